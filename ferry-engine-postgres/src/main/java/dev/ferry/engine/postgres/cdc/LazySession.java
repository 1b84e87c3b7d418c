package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import java.sql.Connection;
import java.sql.SQLException;

/** One session to a server, opened on first use and kept until closed (then opened again on next use). Not thread-safe. */
final class LazySession implements AutoCloseable {
    private final DatabaseConnection server;
    private Connection connection;

    LazySession(DatabaseConnection server) {
        this.server = server;
    }

    Connection get() {
        if (connection == null) {
            connection = PgConnector.open(server);
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // The server ends the session when it notices.
            }
            connection = null;
        }
    }
}
