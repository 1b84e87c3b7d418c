package dev.ferry.core;

import java.io.Serial;
import java.util.Objects;

/**
 * A failure a user can understand and act on. The message names the object concerned and the next
 * step, and never contains a secret; driver or OS detail stays in the cause.
 */
public final class FerryException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public FerryException(ErrorCode code, String userMessage, Throwable cause) {
        super(userMessage, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public FerryException(ErrorCode code, String userMessage) {
        this(code, userMessage, null);
    }

    public ErrorCode code() {
        return code;
    }
}
