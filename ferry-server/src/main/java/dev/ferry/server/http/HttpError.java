package dev.ferry.server.http;

import dev.ferry.core.ErrorCode;
import java.io.Serial;

/**
 * A refusal decided by the HTTP layer itself (no such route, wrong method, body too large), with the
 * HTTP status to answer and the error code clients see in the body.
 */
public final class HttpError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final ErrorCode code;
    private final String allow;

    public HttpError(int status, ErrorCode code, String message, String allow) {
        super(message);
        this.status = status;
        this.code = code;
        this.allow = allow;
    }

    public HttpError(int status, ErrorCode code, String message) {
        this(status, code, message, null);
    }

    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    /** The methods the path accepts, for a 405 answer's {@code Allow} header; null otherwise. */
    public String allow() {
        return allow;
    }
}
