package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Query events with what the library's deserializer drops: the statement's own bytes and the collation ids of the
 * session's character_set_client and collation_connection (status variable {@code Q_CHARSET_CODE}), so that DDL is
 * replayed in the character set it was written in. The text is decoded as UTF-8 when the bytes are UTF-8, else as
 * windows-1252 (MySQL's latin1); it is read only to tell what the statement does.
 */
final class ClientQueryDeserializer implements EventDataDeserializer<QueryEventData> {
    private static final Charset LATIN1 = Charset.forName("windows-1252");

    /** A Query event with its statement's bytes and client collations (-1 when the event does not say). */
    static final class ClientQuery extends QueryEventData {
        private static final long serialVersionUID = 1L;
        private byte[] sqlBytes = new byte[0];
        private int clientCollation = -1;
        private int connectionCollation = -1;

        byte[] sqlBytes() {
            return sqlBytes.clone();
        }

        int clientCollation() {
            return clientCollation;
        }

        int connectionCollation() {
            return connectionCollation;
        }
    }

    @Override
    public QueryEventData deserialize(ByteArrayInputStream in) throws IOException {
        ClientQuery q = new ClientQuery();
        q.setThreadId(in.readLong(4));
        q.setExecutionTime(in.readLong(4));
        in.skip(1); // length of the database name, which is zero-terminated as well
        q.setErrorCode(in.readInteger(2));
        byte[] status = in.read(in.readInteger(2));
        int[] charset = charset(status);
        q.clientCollation = charset[0];
        q.connectionCollation = charset[1];
        q.setDatabase(in.readZeroTerminatedString());
        q.sqlBytes = in.read(in.available());
        q.setSql(decode(q.sqlBytes));
        return q;
    }

    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, LATIN1);
        }
    }

    /**
     * The collation ids of character_set_client and collation_connection in a Query event's status variables, or -1s.
     * Reads the variables in order up to {@code Q_CHARSET_CODE}, which servers write among the first; stops at a code
     * it does not know (as servers do), since its length is unknown.
     */
    static int[] charset(byte[] status) {
        int i = 0;
        while (i < status.length) {
            int code = status[i++] & 0xff;
            if (code == 4) { // CHARSET: client character set, connection collation, server collation
                return i + 6 > status.length ? new int[] {-1, -1} : new int[] {u16(status, i), u16(status, i + 2)};
            }
            int skip = switch (code) {
                case 0, 3, 10 -> 4; // FLAGS2, AUTO_INCREMENT, MASTER_DATA_WRITTEN
                case 1, 9, 17, 129 -> 8; // SQL_MODE, TABLE_MAP_FOR_UPDATE, DDL_LOGGED_WITH_XID, MariaDB XID
                case 2 -> i < status.length ? (status[i] & 0xff) + 2 : -1; // CATALOG: length, name, zero
                case 5, 6 -> i < status.length ? (status[i] & 0xff) + 1 : -1; // TIME_ZONE, CATALOG_NZ: length, text
                case 7, 8, 18 -> 2; // LC_TIME_NAMES, CHARSET_DATABASE, DEFAULT_COLLATION_FOR_UTF8MB4
                case 13, 128 -> 3; // MICROSECONDS, MariaDB HRNOW
                case 16, 19, 20, 130 -> 1;
                default -> -1;
            };
            if (skip < 0 || i + skip > status.length) {
                break;
            }
            i += skip;
        }
        return new int[] {-1, -1};
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
