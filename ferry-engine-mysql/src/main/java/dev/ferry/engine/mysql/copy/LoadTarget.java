package dev.ferry.engine.mysql.copy;

import dev.ferry.core.model.DatabaseConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A destination session prepared by {@link LoadSession}: the connection, the server (for messages), how rows reach
 * it ({@code method}; {@code hugeValuesMethod} for a table whose values may not fit in one of the server's commands
 * of at most {@code maxPacket} bytes, see {@link dev.ferry.engine.mysql.catalog.Column#mayBeHuge()}), whether JSON
 * values need converting from binary (MySQL), and the fence checked before each load commits (see
 * {@link dev.ferry.core.spi.engine.Fence}). Closing closes the connection.
 */
public record LoadTarget(Connection connection, DatabaseConnection server, Method method, Method hugeValuesMethod,
        long maxPacket, boolean jsonConvert, dev.ferry.core.spi.engine.Fence fence) implements AutoCloseable {

    /** How rows reach the destination. */
    public enum Method {
        /**
         * MariaDB: one prepared single-row INSERT executed for a batch of rows in one bulk command; the server parses
         * the statement once and reads the values in binary, which costs it about a third less CPU per row than
         * parsing LOAD DATA's text, and needs no {@code local_infile}.
         */
        BULK_INSERT,
        /** MySQL: LOAD DATA LOCAL INFILE, the rows streamed as text. */
        LOAD_DATA,
        /** Multi-row INSERTs: where LOAD DATA LOCAL is refused, or when asked for. */
        INSERT
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
