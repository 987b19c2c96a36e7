package dev.simul.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lifecycle shared by every mode, on a minimal runner that records its hooks. */
@Timeout(30)
class AbstractRunnerTest {

    /** Runs each task on a new platform thread and counts terminate() calls. */
    static final class Recording extends AbstractRunner {
        final AtomicInteger terminations = new AtomicInteger();

        Recording() {
            super("recording", 4);
        }

        @Override
        protected void dispatch(Promise<?> promise) {
            Thread.ofPlatform().start(promise);
        }

        @Override
        protected void terminate() {
            terminations.incrementAndGet();
        }
    }

    @Test
    void terminatesExactlyOnceWhateverIsSubmittedAfterShutdown() throws Exception {
        Recording runner = new Recording();
        runner.submit(() -> 1).get();
        runner.shutdown();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> runner.submit(() -> 2)).isInstanceOf(RejectedExecutionException.class);
        }
        runner.shutdown();
        assertThat(runner.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.terminations).hasValue(1);
    }

    @Test
    void theTasksShutdownNowReturnsRunTheOriginalWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ranLater = new AtomicInteger();
        Runner runner = Runners.threads(1);
        runner.submit(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return 0;
        });
        started.await();
        Handle<Integer> queued = runner.submit(ranLater::incrementAndGet);
        List<Runnable> neverStarted = runner.shutdownNow();
        assertThat(queued.isCancelled()).isTrue();
        assertThat(neverStarted).hasSize(1);
        neverStarted.getFirst().run();
        assertThat(ranLater).hasValue(1);
        assertThat(runner.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingARunnerFromItsOwnTasksCallbackFailsInsteadOfHanging() throws Exception {
        List<Throwable> refused = new ArrayList<>();
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(1);
        try (Runner runner = Runners.threads(1)) {
            Handle<Integer> handle = runner.submit(() -> {
                registered.await(); // finish only once the callback is in place, so the worker runs it
                return 1;
            });
            handle.onDone(h -> {
                try {
                    runner.close();
                } catch (IllegalStateException e) {
                    refused.add(e);
                } finally {
                    called.countDown();
                }
            });
            registered.countDown();
            called.await();
        }
        assertThat(refused).singleElement().extracting(Throwable::getMessage).asString()
                .contains("wait for itself");
    }

    @Test
    void aSequentialCancellationDoesNotLeaveTheCallerInterrupted() throws Exception {
        Runner runner = Runners.sequential();
        CountDownLatch running = new CountDownLatch(1);
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                running.await();
                runner.shutdownNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Handle<String> handle = runner.submit(() -> {
            running.countDown();
            new CountDownLatch(1).await(); // until shutdownNow interrupts
            return "never";
        });
        canceller.join();
        assertThat(handle.isCancelled()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
