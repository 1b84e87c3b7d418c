package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.util.Objects;

/**
 * How to reach a database server. {@code password} may be null (trust or peer authentication);
 * {@code database} may be null (connect to the engine's default database). {@code sslMode} is the
 * libpq-style mode ({@code disable, prefer, require, verify-ca, verify-full}); null means prefer.
 * {@link #toString()} and {@link #display()} never reveal the password.
 */
public record DatabaseConnection(
        EngineKind engine, String host, int port, String username, Secret password, String database, String sslMode)
        implements ConnectionSpec {

    public DatabaseConnection {
        Objects.requireNonNull(engine, "engine");
        if (host == null || host.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A host is required");
        }
        if (port < 1 || port > 65535) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Port %d is not between 1 and 65535".formatted(port));
        }
        if (username == null || username.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A username is required");
        }
        if (database != null && database.isBlank()) {
            database = null;
        }
        if (sslMode != null && sslMode.isBlank()) {
            sslMode = null;
        }
    }

    public DatabaseConnection withDatabase(String db) {
        return new DatabaseConnection(engine, host, port, username, password, db, sslMode);
    }

    public DatabaseConnection withPassword(Secret secret) {
        return new DatabaseConnection(engine, host, port, username, secret, database, sslMode);
    }

    /** A URL-like text that identifies the server without credentials, for messages and logs. */
    public String display() {
        return "%s://%s@%s:%d%s".formatted(engine.id(), username, host, port, database == null ? "" : "/" + database);
    }

    @Override
    public String toString() {
        return display();
    }
}
