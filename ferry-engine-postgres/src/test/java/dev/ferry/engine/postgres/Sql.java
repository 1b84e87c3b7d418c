package dev.ferry.engine.postgres;

import dev.ferry.core.model.DatabaseConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Test-side JDBC on any database (the testkit's helpers cover only databases it created). */
final class Sql {
    private Sql() {}

    static List<List<Object>> query(DatabaseConnection db, String sql) {
        try (Connection c = open(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + db.display() + ": " + sql, e);
        }
    }

    static Object value(DatabaseConnection db, String sql) {
        return query(db, sql).getFirst().getFirst();
    }

    static void execute(DatabaseConnection db, String... statements) {
        try (Connection c = open(db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed on " + db.display(), e);
        }
    }

    static String resource(String name) {
        try (InputStream in = Sql.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name, e);
        }
    }

    private static Connection open(DatabaseConnection db) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.username());
        if (db.password() != null) {
            props.setProperty("password", db.password().reveal());
        }
        return DriverManager.getConnection("jdbc:postgresql://%s:%d/%s".formatted(db.host(), db.port(), db.database()),
                props);
    }
}
