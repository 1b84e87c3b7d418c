package dev.ferry.engine.mysql;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Statements read by the server in a character_set_client other than the driver's UTF-8 (a view or routine created
 * under latin1 keeps that character set and its text): a statement with non-ASCII text is put in a user variable as a
 * hex literal, which is plain ASCII in any character set, and run with {@code PREPARE}, which converts the variable to
 * character_set_client. The prepared statement {@code ferry_ddl} is left prepared (the next PREPARE of the name
 * replaces it) so that the statement's warnings stay readable. Stateless.
 */
public final class ClientText {
    private ClientText() {}

    /** Whether the driver's UTF-8 bytes of {@code sql} are the same text in character set {@code client}. */
    public static boolean sentAsIs(String client, String sql) {
        String cs = client.toLowerCase(Locale.ROOT);
        return cs.equals("utf8mb4") || cs.equals("utf8mb3") || cs.equals("utf8") || sql.chars().allMatch(ch -> ch < 0x80);
    }

    /**
     * Runs {@code sql} through PREPARE so that the server converts it to character_set_client.
     *
     * @throws SQLException {@link SqlErrors#UNSUPPORTED_PS} when the server cannot prepare such a statement
     */
    public static void execute(Statement s, String sql) throws SQLException {
        prepared(s, "_utf8mb4 X'" + HexFormat.of().formatHex(sql.getBytes(StandardCharsets.UTF_8)) + "'");
    }

    /** Runs the statement {@code bytes}, already in character_set_client, through PREPARE, as they are. */
    public static void execute(Statement s, byte[] bytes) throws SQLException {
        prepared(s, "_binary X'" + HexFormat.of().formatHex(bytes) + "'");
    }

    private static void prepared(Statement s, String literal) throws SQLException {
        s.execute("SET @ferry_ddl = " + literal);
        try {
            s.execute("PREPARE ferry_ddl FROM @ferry_ddl");
        } finally {
            s.execute("SET @ferry_ddl = NULL");
        }
        s.execute("EXECUTE ferry_ddl");
    }
}
