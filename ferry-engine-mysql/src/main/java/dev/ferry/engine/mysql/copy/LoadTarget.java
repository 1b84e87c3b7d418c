package dev.ferry.engine.mysql.copy;

import dev.ferry.core.model.DatabaseConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A destination session prepared by {@link LoadSession}: the connection, the server (for messages), whether rows go
 * through LOAD DATA LOCAL (else batched INSERTs), whether JSON values need converting from binary (MySQL), and the
 * fence checked before each load commits (see {@link dev.ferry.core.spi.engine.Fence}). Closing closes the connection.
 */
public record LoadTarget(Connection connection, DatabaseConnection server, boolean loadData, boolean jsonConvert,
        dev.ferry.core.spi.engine.Fence fence) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
