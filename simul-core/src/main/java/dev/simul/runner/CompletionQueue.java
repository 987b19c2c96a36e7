package dev.simul.runner;

import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Handles delivered in the order they finish: each handle's done callback enqueues it. */
final class CompletionQueue<T> {

    private final LinkedBlockingQueue<Handle<T>> done = new LinkedBlockingQueue<>();
    private int remaining;

    CompletionQueue(Collection<? extends Handle<T>> handles) {
        remaining = handles.size();
        for (Handle<T> handle : handles) {
            handle.onDone(done::add);
        }
    }

    boolean hasNext() {
        return remaining > 0;
    }

    /** The next finished handle, waiting for it. */
    Handle<T> take() throws InterruptedException {
        if (remaining == 0) {
            throw new NoSuchElementException("every handle was already returned");
        }
        Handle<T> next = done.take();
        remaining--;
        return next;
    }

    /** The next finished handle, or null if none finished within the timeout. */
    Handle<T> poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (remaining == 0) {
            throw new NoSuchElementException("every handle was already returned");
        }
        Handle<T> next = done.poll(timeout, unit);
        if (next != null) {
            remaining--;
        }
        return next;
    }

    Iterator<Handle<T>> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return CompletionQueue.this.hasNext();
            }

            @Override
            public Handle<T> next() {
                try {
                    return take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted while waiting for the next handle to finish");
                }
            }
        };
    }
}
