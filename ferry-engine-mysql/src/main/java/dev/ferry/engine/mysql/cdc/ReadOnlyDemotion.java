package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demotes a MySQL/MariaDB destination with {@code SET GLOBAL read_only = ON}: the whole server refuses writes
 * from users without SUPER (MySQL) or READ_ONLY ADMIN (MariaDB), while Ferry's user keeps writing. The record
 * is the previous value, {@code read_only=0} or {@code read_only=1}, which {@link #restore} sets back. Stateless.
 */
public final class ReadOnlyDemotion {
    private static final Logger log = LoggerFactory.getLogger(ReadOnlyDemotion.class);
    private static final Pattern RECORD = Pattern.compile("read_only=([01])");
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

    private ReadOnlyDemotion() {}

    public static String demote(MySqlConnector connector, DatabaseConnection destination) {
        return demote(connector, destination, record -> { });
    }

    /** Reads the previous value, hands the record to {@code undoRecorded} (which makes it durable), then demotes. */
    public static String demote(MySqlConnector connector, DatabaseConnection destination,
            java.util.function.Consumer<String> undoRecorded) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            long previous = Sql.queryLong(c, "SELECT @@GLOBAL.read_only");
            String record = "read_only=" + (previous == 0 ? 0 : 1);
            undoRecorded.accept(record);
            Sql.execute(c, "SET GLOBAL read_only = ON");
            try {
                // Proves Ferry's user still writes: replication needs its bookkeeping table.
                ProgressTable.ensure(c);
            } catch (SQLException e) {
                Sql.execute(c, "SET GLOBAL read_only = " + (previous == 0 ? "OFF" : "ON"));
                if (e.getErrorCode() == ER_OPTION_PREVENTS_STATEMENT) {
                    throw new FerryException(ErrorCode.PERMISSION_DENIED, ("User '%s' cannot write to the destination %s:%d once it is"
                            + " read-only; grant it SUPER (MySQL) or READ_ONLY ADMIN (MariaDB), or skip demotion")
                            .formatted(destination.username(), destination.host(), destination.port()), e);
                }
                throw e;
            }
            log.atInfo().addKeyValue("server", destination.host() + ":" + destination.port()).addKeyValue("previous", record)
                    .log("destination demoted: read_only = ON");
            return record;
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "make the destination read-only");
        }
    }

    public static void restore(MySqlConnector connector, DatabaseConnection destination, String record) {
        Matcher m = RECORD.matcher(record == null ? "" : record.strip());
        if (!m.matches()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Not a MySQL/MariaDB demotion record: '%s'".formatted(record));
        }
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            Sql.execute(c, "SET GLOBAL read_only = " + ("1".equals(m.group(1)) ? "ON" : "OFF"));
            log.atInfo().addKeyValue("server", destination.host() + ":" + destination.port()).addKeyValue("restored", record)
                    .log("destination read_only restored");
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "restore the destination's read_only setting");
        }
    }
}
