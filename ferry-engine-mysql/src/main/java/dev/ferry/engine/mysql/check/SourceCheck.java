package dev.ferry.engine.mysql.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.catalog.Catalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a source's settings, grants and tables and reports what stands in the way of a job. Reads only; thread-safe. */
public final class SourceCheck {
    private static final List<String> VARIABLES = List.of("log_bin", "binlog_format", "binlog_row_image", "server_id",
            "expire_logs_days", "binlog_expire_logs_seconds", "gtid_mode");

    private final MySqlConnector connector;

    public SourceCheck(MySqlConnector connector) {
        this.connector = connector;
    }

    public List<Finding> check(DatabaseConnection source, List<String> databases, boolean continuous) {
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            return SourceFindings.evaluate(read(c, source, databases), continuous);
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "check the source's settings and privileges");
        }
    }

    private static SourceFacts read(Connection c, DatabaseConnection source, List<String> databases) throws SQLException {
        Map<String, String> variables = new HashMap<>();
        String placeholders = String.join(", ", VARIABLES.stream().map(v -> "?").toList());
        Sql.query(c, "SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + placeholders + ")",
                rs -> variables.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2)), VARIABLES.toArray());
        List<String> nonInnodb = new ArrayList<>();
        List<String> withoutKey = new ArrayList<>();
        ObjectSelection all = new ObjectSelection(ObjectsConfig.ALL);
        for (String db : databases) {
            for (Catalog.TableEntry t : Catalog.baseTables(c, db, all)) {
                String name = Dialect.MYSQL.quote(db, t.info().ref().table());
                if (!t.transactional()) {
                    nonInnodb.add(name + " (" + t.engine() + ")");
                }
                if (!t.info().hasPrimaryKey()) {
                    withoutKey.add(name);
                }
            }
        }
        return new SourceFacts(source.host() + ":" + source.port(), ServerVersion.of(c).flavor(), variables,
                Accounts.grants(c), Accounts.current(c).sql(), databases, nonInnodb, withoutKey);
    }
}
