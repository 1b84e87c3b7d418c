package dev.ferry.engine.mysql;

import dev.ferry.core.Dialect;
import dev.ferry.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Sets the password of every account of one user name ({@code root}@{@code localhost}, {@code root}@{@code 127.0.0.1}
 * ...). On MariaDB only the mysql_native_password hash is sent, so neither the general log nor the binary log holds
 * the password; MySQL 8 takes no hash in ALTER USER, so it gets the password itself (as its clients send it).
 */
final class AccountPassword {
    private AccountPassword() {}

    static void set(Connection c, String user, Secret password) throws SQLException {
        boolean mariadb = ServerVersion.of(c).flavor() == Flavor.MARIADB;
        List<String> hosts = Sql.query(c, "SELECT Host FROM mysql.user WHERE User = ?", rs -> rs.getString(1), user);
        Dialect d = Dialect.MYSQL;
        for (String host : hosts) {
            String account = d.literal(user) + "@" + d.literal(host);
            Sql.execute(c, mariadb
                    ? "ALTER USER %s IDENTIFIED BY PASSWORD %s".formatted(account, d.literal(nativeHash(password)))
                    : "ALTER USER %s IDENTIFIED BY %s".formatted(account, d.literal(password.reveal())));
        }
    }

    /** mysql_native_password's stored form: {@code *} and the upper-case hex of SHA1(SHA1(password)). */
    static String nativeHash(Secret password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.reveal().getBytes(StandardCharsets.UTF_8));
            return "*" + HexFormat.of().formatHex(sha1.digest(once)).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
