package dev.parley.client.internal;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's threads. All state of the engine is confined to the {@code loop} thread: public
 * methods and socket callbacks only enqueue work there, so nothing is locked. Application
 * callbacks run on a second thread, in order, so a slow application never stalls the
 * connection; tokens are fetched on a third, since a supplier may block.
 */
final class Loop {
    private static final System.Logger LOG = System.getLogger("dev.parley.client");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ScheduledExecutorService loop;
    private final ExecutorService callbacks;
    private final ExecutorService tokenThread;
    private final Clock clock;
    private volatile Thread callbackThread;

    Loop(Clock clock) {
        this.clock = clock;
        int instance = INSTANCES.incrementAndGet();
        this.loop = Executors.newSingleThreadScheduledExecutor(daemon("parley-client-" + instance));
        this.callbacks = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = daemon("parley-client-" + instance + "-listener").newThread(runnable);
            callbackThread = thread;
            return thread;
        });
        this.tokenThread = Executors.newSingleThreadExecutor(daemon("parley-client-" + instance + "-token"));
    }

    long now() {
        return clock.millis();
    }

    /** Runs on the loop; false when the client is closed and the work was not accepted. */
    boolean execute(Runnable work) {
        try {
            loop.execute(guarded(work));
            return true;
        } catch (RejectedExecutionException closedAlready) {
            return false;
        }
    }

    /** Runs on the loop and waits for the answer; {@code whenClosed} if the loop is gone. */
    <T> T call(Callable<T> work, T whenClosed, long timeoutMillis) {
        try {
            return loop.submit(work).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedAlready) {
            return whenClosed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return whenClosed;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    ScheduledFuture<?> schedule(Runnable work, long delayMillis) {
        return loop.schedule(guarded(work), delayMillis, TimeUnit.MILLISECONDS);
    }

    void every(long periodMillis, Runnable work) {
        loop.scheduleWithFixedDelay(guarded(work), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** The thread a token supplier runs on. */
    ExecutorService tokenThread() {
        return tokenThread;
    }

    /** Calls the application, on the listener thread, after every call queued before. */
    void callback(Runnable work) {
        try {
            callbacks.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "a MessageListener or CursorStore call threw", e);
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            // closed: the application asked to hear nothing more
        }
    }

    /** Stops the threads, letting the callbacks already queued reach the application. */
    void shutDown(long timeoutMillis) {
        loop.shutdown();
        callbacks.shutdown();
        tokenThread.shutdownNow();
        if (Thread.currentThread() != callbackThread) {
            try {
                callbacks.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Parley client bug", e);
            }
        };
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
