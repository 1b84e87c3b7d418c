package dev.ferry.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A long-running mutation: which verb on which target, whether it is done, and how it ended.
 * {@code error} is null unless it failed; {@code endTime} is null until done.
 */
public record Operation(
        String name,
        String verb,
        String target,
        boolean done,
        JobError error,
        String statusMessage,
        String requestId,
        Instant createTime,
        Instant endTime) {

    public Operation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(target, "target");
    }

    public Operation finished(JobError failure, String message, Instant now) {
        return new Operation(name, verb, target, true, failure, message, requestId, createTime, now);
    }

    public Operation withStatus(String message) {
        return new Operation(name, verb, target, done, error, message, requestId, createTime, endTime);
    }
}
