package dev.simul.bench;

import dev.simul.http.HttpResponse;
import dev.simul.http.HttpServer;
import dev.simul.loop.Async;
import dev.simul.loop.EventLoop;

/**
 * simul's side of the HTTP benchmark: {@link HttpServer} on one event-loop thread answering "Hello, World!" with
 * keep-alive, as {@link NettyHello} does. Argument: the port.
 */
public final class SimulHello {

    private SimulHello() {
    }

    /** Serves until killed. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        try (EventLoop loop = new EventLoop()) {
            loop.run(() -> {
                try (HttpServer server = HttpServer.start(HttpServer.Options.loopback(port),
                        request -> HttpResponse.of(200, "text/plain", "Hello, World!".getBytes()))) {
                    System.out.println("simul listening on " + server.port());
                    Async.await(loop.newFuture());
                }
                return null;
            });
        }
    }
}
