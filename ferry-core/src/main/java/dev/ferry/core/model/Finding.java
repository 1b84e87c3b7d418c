package dev.ferry.core.model;

import java.util.Objects;

/**
 * One result of verifying a job: a stable code (such as {@code EXISTING_DATA}), a severity, what was
 * found, what to do about it, and the object concerned (may be null).
 */
public record Finding(String code, Severity severity, String message, String remedy, String object) {
    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }
}
