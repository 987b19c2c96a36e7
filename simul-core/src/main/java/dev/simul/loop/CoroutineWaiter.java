package dev.simul.loop;

import dev.simul.task.Waiter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How a portable task waits when it runs as a coroutine: {@link dev.simul.task.Wait} hands its calls here on the
 * loop's thread and on coroutine strands, where the coroutine machinery installs it. Each wait suspends the coroutine
 * alone; the exceptions are translated to the ones {@code Wait} promises (an {@link ExecutionException} whose cause
 * is the work's own exception).
 */
final class CoroutineWaiter implements Waiter {

    static final CoroutineWaiter INSTANCE = new CoroutineWaiter();

    private CoroutineWaiter() {
    }

    @Override
    public boolean suspends() {
        return Coroutine.current() != null;
    }

    @Override
    public void sleep(Duration duration) {
        Async.sleep(duration);
    }

    @Override
    public <T> T await(Future<T> future) throws ExecutionException {
        try {
            return Async.await(future);
        } catch (CancellationException e) {
            throw e;
        } catch (CompletionException e) {
            throw new ExecutionException(e.getCause());
        } catch (RuntimeException | Error e) {
            throw new ExecutionException(e);
        }
    }

    @Override
    public <T> T blocking(Callable<T> work) throws Exception {
        EventLoop loop = Async.loop();
        try {
            return await(loop.runInExecutor(loop.defaultExecutor(), work));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }
}
