package dev.simul.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The peer of {@link SimulHello} in the HTTP benchmark: Netty 4.2 with one NIO event-loop thread answering
 * "Hello, World!" with keep-alive. A benchmark-only dependency; simul itself does not use Netty.
 * Argument: the port.
 */
public final class NettyHello {

    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private NettyHello() {
    }

    /** Serves until killed. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new SimpleChannelInboundHandler<HttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                                            FullHttpResponse response = new DefaultFullHttpResponse(
                                                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                    Unpooled.wrappedBuffer(BODY));
                                            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                                            HttpUtil.setContentLength(response, BODY.length);
                                            HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(req));
                                            ctx.writeAndFlush(response);
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", port).sync().channel();
            System.out.println("netty listening on " + port);
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
