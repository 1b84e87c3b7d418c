package dev.ferry.cli.demo;

import dev.ferry.cli.migrate.Interruption;
import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's sample database {@code shop}: three schemas (sales, inventory, hr), many column types,
 * foreign keys, secondary indexes, a view and a sequence, generated in SQL from
 * {@code shop.sql} with about {@code rows} rows in total.
 */
final class DemoData {
    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    static final String DATABASE = "shop";
    private static final String SCRIPT = "shop.sql";

    private DemoData() {}

    /** Drops and recreates {@code shop} on the server and fills it; blocks for seconds. An interrupt cancels the fill. */
    static void load(DatabaseConnection superuser, int rows, Interruption interruption) {
        String database = Dialect.POSTGRESQL.quote(DATABASE);
        try (Connection admin = connect(superuser.withDatabase("postgres")); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw failure(superuser, "could not create database " + DATABASE, e);
        }
        try (Connection shop = connect(superuser.withDatabase(DATABASE))) {
            try (PreparedStatement scale = shop.prepareStatement("SELECT set_config('ferry.demo_rows', ?, false), setseed(0.42)")) {
                scale.setString(1, Integer.toString(rows));
                scale.execute();
            }
            try (Statement statement = shop.createStatement()) {
                interruption.onInterrupt(() -> cancel(statement));
                for (String sql : statements(script())) {
                    if (interruption.requested()) {
                        break;
                    }
                    statement.execute(sql);
                }
            } finally {
                interruption.onInterrupt(() -> { });
            }
        } catch (SQLException e) {
            if (interruption.requested()) {
                throw new FerryException(ErrorCode.CANCELLED, "Interrupted while filling database " + DATABASE, e);
            }
            throw failure(superuser, "could not fill database " + DATABASE, e);
        }
        if (interruption.requested()) {
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while filling database " + DATABASE);
        }
    }

    private static void cancel(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            log.atWarn().setCause(e).log("could not cancel the demo data statement; it ends with the process");
        }
    }

    /** Whether the server accepts a connection now. */
    static boolean reachable(DatabaseConnection superuser) {
        try (Connection connection = connect(superuser.withDatabase("postgres"))) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * The statements of a script: lines starting with {@code --} are comments, and a statement ends
     * with a {@code ;} at the end of a line. Pure.
     */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("the demo script ends without ';'");
        }
        return statements;
    }

    private static String script() {
        try (InputStream in = DemoData.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("demo script " + SCRIPT + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the demo script", e);
        }
    }

    private static Connection connect(DatabaseConnection server) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.username());
        if (server.password() != null) {
            props.setProperty("password", server.password().reveal());
        }
        props.setProperty("ApplicationName", "ferry-demo");
        String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
        return DriverManager.getConnection("jdbc:postgresql://%s:%d/%s".formatted(host, server.port(), server.database()), props);
    }

    private static FerryException failure(DatabaseConnection server, String what, SQLException e) {
        log.atError().addKeyValue("server", server.display()).setCause(e).log("demo data could not be loaded");
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Demo: %s on %s (%s); see the demo log".formatted(what, server.display(), e.getSQLState()), e);
    }
}
