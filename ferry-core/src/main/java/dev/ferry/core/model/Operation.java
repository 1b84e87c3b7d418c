package dev.ferry.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A long-running mutation: which verb on which target, whether it is done, and how it ended.
 * {@code error} is null unless it failed; {@code endTime} is null until done. {@code createdBy} names
 * who made the call (an API token's name, or {@link #IN_PROCESS} for {@code ferry migrate} and
 * {@code ferry demo}); null for operations recorded before Ferry knew callers.
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
        Instant endTime,
        String createdBy) {

    /** The caller recorded for calls made inside this process, without the API. */
    public static final String IN_PROCESS = "in-process";

    public Operation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(target, "target");
    }

    /** An operation whose caller is not known. */
    public Operation(String name, String verb, String target, boolean done, JobError error, String statusMessage,
            String requestId, Instant createTime, Instant endTime) {
        this(name, verb, target, done, error, statusMessage, requestId, createTime, endTime, null);
    }

    public Operation finished(JobError failure, String message, Instant now) {
        return new Operation(name, verb, target, true, failure, message, requestId, createTime, now, createdBy);
    }

    public Operation withStatus(String message) {
        return new Operation(name, verb, target, done, error, message, requestId, createTime, endTime, createdBy);
    }
}
