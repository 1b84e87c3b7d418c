package dev.ferry.testkit;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * A fresh, empty database on a test server (a schema on MariaDB), with helpers to set it up and read it
 * back. Each helper opens its own connection as the superuser, in autocommit mode, and closes it.
 * Thread-safe. SQL errors surface as {@link IllegalStateException} naming the statement.
 */
public final class TestDatabase {
    private final String name;
    private final DatabaseConnection connection;

    TestDatabase(String name, DatabaseConnection connection) {
        this.name = Objects.requireNonNull(name, "name");
        this.connection = Objects.requireNonNull(connection, "connection").withDatabase(name);
    }

    public String name() {
        return name;
    }

    /** The superuser's connection with {@link DatabaseConnection#database()} set to this database. */
    public DatabaseConnection connection() {
        return connection;
    }

    /** The JDBC URL of this database, without credentials (take them from {@link #connection()}). */
    public String jdbcUrl() {
        return jdbcUrl(connection);
    }

    /** A new JDBC connection to this database as the superuser; the caller closes it. */
    public Connection open() {
        try {
            return open(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect to " + connection.display(), e);
        }
    }

    /** Runs each statement in order, in autocommit mode, on one connection. */
    public void execute(String... statements) {
        try (Connection c = open(); Statement statement = c.createStatement()) {
            for (String sql : statements) {
                try {
                    statement.execute(sql);
                } catch (SQLException e) {
                    throw new IllegalStateException("statement failed on %s: %s".formatted(name, sql), e);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not run statements on " + connection.display(), e);
        }
    }

    /** The single long value {@code sql} returns (first column of the first row). */
    public long queryLong(String sql) {
        List<List<Object>> rows = query(sql);
        if (rows.isEmpty() || rows.getFirst().isEmpty() || !(rows.getFirst().getFirst() instanceof Number number)) {
            throw new IllegalStateException("query returned no number on %s: %s -> %s".formatted(name, sql, rows));
        }
        return number.longValue();
    }

    /** All rows {@code sql} returns, each as its column values in order. */
    public List<List<Object>> query(String sql) {
        try (Connection c = open(); Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            var rows = new ArrayList<List<Object>>();
            while (rs.next()) {
                var row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on %s: %s".formatted(name, sql), e);
        }
    }

    @Override
    public String toString() {
        return connection.display();
    }

    static String jdbcUrl(DatabaseConnection c) {
        String scheme = c.engine() == EngineKind.POSTGRESQL ? "postgresql" : "mariadb";
        return "jdbc:%s://%s:%d/%s".formatted(scheme, c.host(), c.port(), c.database() == null ? "" : c.database());
    }

    static Connection open(DatabaseConnection c) throws SQLException {
        var props = new Properties();
        props.setProperty("user", c.username());
        if (c.password() != null) {
            props.setProperty("password", c.password().reveal());
        }
        return DriverManager.getConnection(jdbcUrl(c), props);
    }
}
