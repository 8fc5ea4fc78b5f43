package dev.parley.it.reliability;

import dev.parley.local.LocalRuntime;
import dev.parley.local.gateway.ConnectionsApi;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Faults on the gateway's {@code @connections} endpoint, which the fan-out function reaches
 * through the real AWS SDK client. A fault hits only the first post of a record's frame (a record
 * being delivered for the first time, never a retry), one record at a time, and at least
 * {@value #MILLIS_BETWEEN_FAULTS} ms apart: faults are transient, so the retry after a fault goes
 * through. (Faults on every retry would be an outage, which the bounded retries turn into an
 * on-failure destination entry by design.)
 *
 * <ul>
 *   <li>{@link #armServerError}: the next eligible push fails with 500 on {@value #ATTEMPTS_FAILED}
 *       consecutive posts of that frame to that connection, more than the SDK client's own
 *       retries, so the fan-out function sees the failure and reports the record, and the stream
 *       mapping's retry of the batch is what finally delivers it.</li>
 *   <li>{@link #armGone}: the connection of the next eligible push is closed from the gateway side
 *       and the post answered 410, as API Gateway does for a connection that went away between the
 *       fan-out's lookup and its post.</li>
 * </ul>
 */
final class PostFaults implements ConnectionsApi.PostFaults {
    /** At least the SDK client's attempts per call (legacy retry mode: 1 + 3 retries). */
    static final int ATTEMPTS_FAILED = 4;
    static final long MILLIS_BETWEEN_FAULTS = 300;

    private final LocalRuntime runtime;
    private volatile Predicate<String> eligibleConnection = id -> true;
    private volatile Predicate<String> eligibleFrame = frame -> false;
    private final AtomicInteger serverErrorsArmed = new AtomicInteger();
    private final AtomicInteger goneArmed = new AtomicInteger();
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();
    private final Set<String> framesPosted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger victims = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger gone = new AtomicInteger();
    private volatile long lastFaultAt;

    PostFaults(LocalRuntime runtime) {
        this.runtime = runtime;
    }

    /** Which pushes may be hit: by connection id and by frame. */
    PostFaults eligible(Predicate<String> connection, Predicate<String> frame) {
        this.eligibleConnection = connection;
        this.eligibleFrame = frame;
        return this;
    }

    void armServerError() {
        serverErrorsArmed.set(1);
    }

    void armGone() {
        goneArmed.set(1);
    }

    void reset() {
        eligibleConnection = id -> true;
        eligibleFrame = frame -> false;
        serverErrorsArmed.set(0);
        goneArmed.set(0);
        victims.set(0);
        serverErrors.set(0);
        gone.set(0);
    }

    /** Records hit by a fault (first posts answered 500, or connections closed and answered 410). */
    int victims() {
        return victims.get();
    }

    /** Posts answered 500. */
    int serverErrors() {
        return serverErrors.get();
    }

    /** Connections closed and answered 410. */
    int gone() {
        return gone.get();
    }

    @Override
    public int statusFor(String connectionId, String frame) {
        String key = connectionId + '\n' + frame;
        Integer failedSoFar = failing.get(key);
        if (failedSoFar != null) {
            if (failedSoFar < ATTEMPTS_FAILED) {
                failing.put(key, failedSoFar + 1);
                serverErrors.incrementAndGet();
                return 500;
            }
            return 0;
        }
        boolean firstPostOfFrame = framesPosted.add(frame);
        if (!firstPostOfFrame || System.currentTimeMillis() - lastFaultAt < MILLIS_BETWEEN_FAULTS
                || !eligibleFrame.test(frame) || !eligibleConnection.test(connectionId)) {
            return 0;
        }
        synchronized (this) {
            if (take(serverErrorsArmed)) {
                lastFaultAt = System.currentTimeMillis();
                victims.incrementAndGet();
                failing.put(key, 1);
                serverErrors.incrementAndGet();
                return 500;
            }
            if (take(goneArmed)) {
                lastFaultAt = System.currentTimeMillis();
                victims.incrementAndGet();
                runtime.gateway().disconnect(connectionId);
                gone.incrementAndGet();
                return 410;
            }
        }
        return 0;
    }

    private static boolean take(AtomicInteger armed) {
        return armed.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
}
