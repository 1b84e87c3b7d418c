package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import java.util.Objects;

/** Why a job (or an object, or an operation) failed: a code and a message a user can act on. */
public record JobError(ErrorCode code, String message) {
    public JobError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
