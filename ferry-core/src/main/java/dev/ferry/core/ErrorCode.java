package dev.ferry.core;

/**
 * The closed set of error categories Ferry reports. Each maps to one HTTP status for the REST API and
 * one exit code for the CLI (0 success, 1 the operation failed, 2 usage or input error).
 */
public enum ErrorCode {
    INVALID_ARGUMENT(400, 2),
    NOT_FOUND(404, 2),
    ALREADY_EXISTS(409, 2),
    FAILED_PRECONDITION(400, 1),
    PERMISSION_DENIED(403, 1),
    UNAUTHENTICATED(401, 1),
    UNAVAILABLE(503, 1),
    CANCELLED(499, 1),
    /**
     * A job's destination no longer matches its source: a replicated change found no row to change, or a
     * key that already exists. The message names the table, the key and the source position.
     */
    DIVERGED(409, 1),
    /** The source's schema changed in a way the running job cannot follow; the message names the object. */
    SCHEMA_CHANGED(409, 1),
    INTERNAL(500, 1);

    private final int httpStatus;
    private final int exitCode;

    ErrorCode(int httpStatus, int exitCode) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int exitCode() {
        return exitCode;
    }
}
