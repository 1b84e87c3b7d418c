package dev.ferry.testkit;

/** How a test server is stopped before it starts again (see {@code LocalPostgres.restart}). */
public enum Shutdown {
    /**
     * Orderly: PostgreSQL's fast mode (sessions terminated with 57P01, a checkpoint written), MariaDB's normal
     * shutdown (SIGTERM).
     */
    FAST,
    /** A crash: PostgreSQL's immediate mode (SIGQUIT, crash recovery at start), MariaDB killed with SIGKILL. */
    IMMEDIATE
}
