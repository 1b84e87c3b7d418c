package dev.ferry.provisioner.local;

import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Small JDBC helpers for the provisioner's integration tests. */
final class Jdbc {
    private Jdbc() {}

    static Connection connect(DatabaseConnection endpoint, Secret password) throws SQLException {
        String url = endpoint.engine() == EngineKind.POSTGRESQL
                ? "jdbc:postgresql://%s:%d/postgres".formatted(endpoint.host(), endpoint.port())
                : "jdbc:mariadb://%s:%d/".formatted(endpoint.host(), endpoint.port());
        var props = new Properties();
        props.setProperty("user", endpoint.username());
        props.setProperty("password", password.reveal());
        return DriverManager.getConnection(url, props);
    }

    static List<String> column(DatabaseConnection endpoint, Secret password, String sql) throws SQLException {
        try (var c = connect(endpoint, password); var rs = c.createStatement().executeQuery(sql)) {
            var values = new ArrayList<String>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    static String single(DatabaseConnection endpoint, Secret password, String sql) throws SQLException {
        return column(endpoint, password, sql).getFirst();
    }

    static void execute(DatabaseConnection endpoint, Secret password, String... statements) throws SQLException {
        try (var c = connect(endpoint, password); var s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
