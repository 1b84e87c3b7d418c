package dev.ferry.it;

import dev.ferry.core.model.DatabaseConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Plain JDBC for tests that check a server's contents independently of Ferry's engines. */
final class Sql {
    private Sql() {}

    static Connection connect(DatabaseConnection server, String database) throws SQLException {
        var props = new Properties();
        props.setProperty("user", server.username());
        if (server.password() != null) {
            props.setProperty("password", server.password().reveal());
        }
        String url = switch (server.engine()) {
            case POSTGRESQL -> "jdbc:postgresql://%s:%d/%s".formatted(server.host(), server.port(), database);
            case MYSQL -> "jdbc:mariadb://%s:%d/%s".formatted(server.host(), server.port(), database);
        };
        return DriverManager.getConnection(url, props);
    }

    static List<String> column(DatabaseConnection server, String database, String sql) throws SQLException {
        try (Connection c = connect(server, database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    static String one(DatabaseConnection server, String database, String sql) throws SQLException {
        List<String> values = column(server, database, sql);
        return values.isEmpty() ? null : values.getFirst();
    }

    static void execute(DatabaseConnection server, String database, String... statements) throws SQLException {
        try (Connection c = connect(server, database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** Order-independent fingerprint of a PostgreSQL table's rows. */
    static String pgTableHash(DatabaseConnection server, String database, String qualifiedTable) throws SQLException {
        return one(server, database, "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM "
                + qualifiedTable + " t");
    }

    /** Every user table of a PostgreSQL database as schema-qualified quoted names, sorted. */
    static List<String> pgTables(DatabaseConnection server, String database) throws SQLException {
        return column(server, database, "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                + "WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1");
    }
}
