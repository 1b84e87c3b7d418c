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
    private final String problem;
    private final String remedy;

    public FerryException(ErrorCode code, String userMessage, Throwable cause) {
        this(code, userMessage, null, cause);
    }

    public FerryException(ErrorCode code, String userMessage) {
        this(code, userMessage, null, null);
    }

    /**
     * A failure whose remedy is known apart from what went wrong: the message is {@code "<problem>; <remedy>"}, and a
     * caller that shows the remedy on its own (a verification finding) reads both parts.
     */
    public FerryException(ErrorCode code, String problem, String remedy, Throwable cause) {
        super(remedy == null ? problem : problem + "; " + remedy, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.problem = problem;
        this.remedy = remedy;
    }

    public ErrorCode code() {
        return code;
    }

    /** What went wrong: the message without the remedy given apart, if any. */
    public String problem() {
        return problem;
    }

    /** The remedy given apart from the problem, if any. */
    public java.util.Optional<String> remedy() {
        return java.util.Optional.ofNullable(remedy);
    }
}
