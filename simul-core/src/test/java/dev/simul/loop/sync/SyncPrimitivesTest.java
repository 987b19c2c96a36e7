package dev.simul.loop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.loop.Async;
import dev.simul.loop.Coroutine;
import dev.simul.loop.EventLoop;
import dev.simul.loop.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AsyncLock, AsyncSemaphore, AsyncEvent, AsyncCondition and AsyncQueue, on a virtual clock. */
@Timeout(30)
class SyncPrimitivesTest {

    private final VirtualClock clock = new VirtualClock();

    private <T> T run(Callable<T> main) throws Exception {
        try (EventLoop loop = new EventLoop(clock)) {
            return loop.run(main);
        }
    }

    private static void tick() {
        Async.sleep(Duration.ZERO);
    }

    @Test
    void aLockKeepsAReadSleepWriteAtomicAcrossWaits() throws Exception {
        int[] counter = {0};
        AsyncLock lock = new AsyncLock();
        run(() -> {
            List<Coroutine<Void>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(Async.spawn(() -> {
                    lock.acquire();
                    try {
                        int read = counter[0];
                        Async.sleep(Duration.ofMillis(10)); // without the lock, every coroutine reads 0
                        counter[0] = read + 1;
                    } finally {
                        lock.release();
                    }
                    return null;
                }));
            }
            Async.gather(all);
            return null;
        });
        assertThat(counter[0]).isEqualTo(5);
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(50).toNanos());
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aLockIsReleasedOnlyByItsHolderAndIsNotReentrant() throws Exception {
        AsyncLock lock = new AsyncLock();
        AsyncLock mine = new AsyncLock();
        run(() -> {
            Async.await(Async.spawn(() -> {
                lock.acquire(); // and ends holding it
                return null;
            }));
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.isHeldByCurrentCoroutine()).isFalse();
            assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("held by another coroutine");
            assertThat(lock.isLocked()).isTrue();
            // Taking it again would wait for itself forever: it fails instead (bounded here, so as not to hang).
            Coroutine<Void> twice = Async.spawn(() -> {
                mine.acquire();
                mine.acquire();
                return null;
            });
            Async.wait(List.of(twice), Async.Until.ALL_COMPLETED, Duration.ofSeconds(1));
            assertThat(twice.exceptionNow()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not reentrant");
            return null;
        });
    }

    @Test
    void semaphorePermitsGoInFifoOrderAndACancelledWaiterPassesItsPermitOn() throws Exception {
        AsyncSemaphore semaphore = new AsyncSemaphore(1);
        List<String> got = new ArrayList<>();
        run(() -> {
            semaphore.acquire();
            Coroutine<Void> b = Async.spawn(() -> {
                semaphore.acquire();
                got.add("b");
                return null;
            });
            Coroutine<Void> c = Async.spawn(() -> {
                semaphore.acquire();
                got.add("c");
                semaphore.release();
                return null;
            });
            tick(); // b and c now wait, in that order
            semaphore.release(); // hands the permit to b ...
            b.cancel(false); // ... which is cancelled before it resumes: the permit must reach c
            assertThatThrownBy(() -> Async.await(b)).isInstanceOf(CancellationException.class);
            Async.await(c);
            assertThat(semaphore.available()).isEqualTo(1);
            return null;
        });
        assertThat(got).containsExactly("c");
    }

    @Test
    void aSemaphoreReleaseNeedsNoAcquireButCannotOverflow() {
        AsyncSemaphore semaphore = new AsyncSemaphore(0);
        semaphore.release(); // adds a permit, as java.util.concurrent.Semaphore's does
        assertThat(semaphore.available()).isEqualTo(1);
        AsyncSemaphore full = new AsyncSemaphore(Integer.MAX_VALUE);
        assertThatThrownBy(full::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Integer.MAX_VALUE");
        assertThat(full.available()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void anEventWakesEveryWaiter() throws Exception {
        AsyncEvent event = new AsyncEvent();
        List<String> woke = new ArrayList<>();
        run(() -> {
            List<Coroutine<Void>> waiters = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                waiters.add(Async.spawn(() -> {
                    event.await();
                    woke.add(name);
                    return null;
                }));
            }
            Async.sleep(Duration.ofSeconds(1));
            assertThat(woke).isEmpty();
            event.set();
            Async.gather(waiters);
            event.await(); // set: returns at once
            assertThat(event.isSet()).isTrue();
            return null;
        });
        assertThat(woke).containsExactly("a", "b", "c");
    }

    @Test
    void aConditionWaiterHoldsTheLockAgainWhenItReturnsEvenIfCancelled() throws Exception {
        AsyncCondition condition = new AsyncCondition();
        List<String> log = new ArrayList<>();
        run(() -> {
            Coroutine<Void> consumer = Async.spawn(() -> {
                condition.lock().acquire();
                try {
                    condition.await();
                    log.add("notified, lock held: " + condition.lock().isHeldByCurrentCoroutine());
                } finally {
                    condition.lock().release();
                }
                return null;
            });
            Coroutine<Void> cancelled = Async.spawn(() -> {
                condition.lock().acquire();
                try {
                    condition.await();
                } catch (CancellationException e) {
                    log.add("cancelled, lock held: " + condition.lock().isHeldByCurrentCoroutine());
                    throw e;
                } finally {
                    condition.lock().release();
                }
                return null;
            });
            tick();
            cancelled.cancel(false);
            tick();
            condition.lock().acquire();
            condition.signal();
            condition.lock().release();
            Async.await(consumer);
            return null;
        });
        assertThat(log).containsExactly("cancelled, lock held: true", "notified, lock held: true");
    }

    @Test
    void aConditionNeedsItsLockHeldByTheCallingCoroutine() throws Exception {
        AsyncCondition condition = new AsyncCondition();
        run(() -> {
            // asyncio raises RuntimeError("cannot notify on un-acquired lock"), the JDK IllegalMonitorStateException.
            assertThatThrownBy(condition::signal).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nobody holds it");
            assertThatThrownBy(condition::signalAll).isInstanceOf(IllegalStateException.class);
            Async.await(Async.spawn(() -> {
                condition.lock().acquire(); // and ends holding it
                return null;
            }));
            assertThatThrownBy(condition::signal).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another coroutine holds it");
            Coroutine<Void> stranger = Async.spawn(() -> {
                condition.await(); // would release the other coroutine's lock, then wait for ever
                return null;
            });
            Async.wait(List.of(stranger), Async.Until.ALL_COMPLETED, Duration.ofSeconds(1));
            assertThat(stranger.exceptionNow()).isInstanceOf(IllegalStateException.class);
            assertThat(condition.lock().isLocked()).isTrue();
            return null;
        });
    }

    @Test
    void aNotificationToACancelledWaiterIsPassedOn() throws Exception {
        AsyncCondition condition = new AsyncCondition();
        List<String> woke = new ArrayList<>();
        run(() -> {
            List<Coroutine<Void>> waiters = new ArrayList<>();
            for (String name : List.of("first", "second")) {
                waiters.add(Async.spawn(() -> {
                    condition.lock().acquire();
                    try {
                        condition.await();
                        woke.add(name);
                    } finally {
                        condition.lock().release();
                    }
                    return null;
                }));
            }
            tick();
            condition.lock().acquire();
            condition.signal(); // meant for "first" ...
            waiters.getFirst().cancel(false); // ... which is cancelled before it takes it
            condition.lock().release();
            Async.gatherSettled(waiters);
            return null;
        });
        assertThat(woke).containsExactly("second");
    }

    @Test
    void aBoundedQueueMakesTheProducerWait() throws Exception {
        AsyncQueue<Integer> queue = new AsyncQueue<>(2);
        List<String> log = new ArrayList<>();
        run(() -> {
            Coroutine<Void> producer = Async.spawn(() -> {
                for (int i = 0; i < 4; i++) {
                    queue.put(i);
                    log.add("put " + i + " @" + clock.elapsed() / 1_000_000);
                }
                return null;
            });
            for (int i = 0; i < 4; i++) {
                Async.sleep(Duration.ofMillis(100));
                log.add("took " + queue.take());
            }
            Async.await(producer);
            return null;
        });
        assertThat(log).containsExactly("put 0 @0", "put 1 @0", "took 0", "put 2 @100", "took 1", "put 3 @200",
                "took 2", "took 3");
    }

    @Test
    void pollAndOfferNeverWaitAndPollReturnsNullWhenEmptyAsJavaUtilQueueDoes() {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        assertThat(queue.poll()).isNull();
        assertThat(queue.offer("a")).isTrue();
        assertThat(queue.offer("b")).isFalse();
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aNullItemIsRefusedAtOnceEvenByAPutThatWouldWait() throws Exception {
        AsyncQueue<String> queue = new AsyncQueue<>(1);
        assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("AsyncQueue holds no null item");
        run(() -> {
            queue.put("full");
            Coroutine<Void> putter = Async.spawn(() -> {
                queue.put(null); // must fail now, not wait for a free slot first
                return null;
            });
            Async.wait(List.of(putter), Async.Until.ALL_COMPLETED, Duration.ofSeconds(1));
            assertThat(putter.exceptionNow()).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("AsyncQueue holds no null item");
            assertThat(queue.poll()).isEqualTo("full");
            return null;
        });
    }

    @Test
    void aTakerCancelledAfterBeingWokenLosesNoItem() throws Exception {
        AsyncQueue<String> queue = new AsyncQueue<>();
        run(() -> {
            Coroutine<String> first = Async.spawn(queue::take);
            Coroutine<String> second = Async.spawn(queue::take);
            tick();
            queue.put("only item"); // wakes "first" ...
            first.cancel(false); // ... which is cancelled before it takes it
            assertThat(Async.await(second)).isEqualTo("only item");
            assertThat(first.isCancelled()).isTrue();
            assertThat(queue.isEmpty()).isTrue();
            return null;
        });
    }

    @Test
    void underRandomCancellationsEveryItemIsTakenExactlyOnce() throws Exception {
        AsyncQueue<Integer> queue = new AsyncQueue<>(3);
        List<Integer> taken = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        run(() -> {
            Coroutine<Void> producer = Async.spawn(() -> {
                for (int i = 0; i < 500; i++) {
                    queue.put(i);
                    if (random.nextInt(4) == 0) {
                        tick();
                    }
                }
                return null;
            });
            while (taken.size() < 500) {
                Coroutine<Integer> taker = Async.spawn(queue::take);
                if (random.nextBoolean()) {
                    tick();
                    taker.cancel(false); // sometimes before, sometimes after it was woken or took an item
                }
                Async.gatherSettled(List.of(taker));
                if (!taker.isCancelled()) {
                    taken.add(taker.resultNow());
                }
            }
            Async.await(producer);
            return null;
        });
        assertThat(taken).isEqualTo(java.util.stream.IntStream.range(0, 500).boxed().toList());
    }

    @Test
    void primitivesRefuseUseOutsideACoroutine() {
        assertThat(new AsyncLock().tryAcquire()).isTrue(); // never waits, so it works anywhere
        assertThatThrownBy(() -> {
            AsyncSemaphore s = new AsyncSemaphore(0);
            s.acquire();
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a coroutine");
        assertThatThrownBy(() -> new AsyncQueue<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
