package org.datafold.apps.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/** Counts of one app's node calls and its latest failure; thread-safe. */
final class AppStats {

    /** A failure: {@code CODE: message} and when it happened. */
    record LastError(String text, Instant at) {
    }

    private final Clock clock;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile LastError lastError;

    AppStats(Clock clock) {
        this.clock = clock;
    }

    void request() {
        requests.incrementAndGet();
    }

    void failed(RuntimeException e) {
        errors.incrementAndGet();
        String text = e instanceof FoldException f
                ? f.code() + ": " + f.getMessage()
                : ErrorCode.INTERNAL + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        lastError = new LastError(text, clock.instant());
    }

    long requests() {
        return requests.get();
    }

    long errors() {
        return errors.get();
    }

    /** The latest failure, or null. */
    LastError lastError() {
        return lastError;
    }
}
