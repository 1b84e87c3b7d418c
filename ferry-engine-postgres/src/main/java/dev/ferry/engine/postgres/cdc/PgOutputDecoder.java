package dev.ferry.engine.postgres.cdc;

import dev.ferry.engine.postgres.cdc.PgOutputMessage.Begin;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Column;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Commit;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Delete;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Ignored;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Insert;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Origin;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Truncate;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Tuple;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Type;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes pgoutput messages of protocol version 1 (streaming of in-progress transactions is not
 * requested, so its messages are protocol errors here). Strings and text values arrive in the
 * connection's client encoding, UTF-8. Pure and stateless.
 */
final class PgOutputDecoder {
    private static final int TRUNCATE_CASCADE = 1;
    private static final int TRUNCATE_RESTART_IDENTITY = 2;

    private PgOutputDecoder() {}

    /** Decodes the message from the buffer's position to its limit. */
    static PgOutputMessage decode(ByteBuffer buf) {
        char tag = (char) buf.get();
        return switch (tag) {
            case 'B' -> new Begin(buf.getLong(), PgOutputMessage.pgTime(buf.getLong()), buf.getInt());
            case 'C' -> {
                buf.get(); // flags, unused
                yield new Commit(buf.getLong(), buf.getLong(), PgOutputMessage.pgTime(buf.getLong()));
            }
            case 'O' -> new Origin(buf.getLong(), string(buf));
            case 'R' -> relation(buf);
            case 'Y' -> new Type(buf.getInt(), string(buf), string(buf));
            case 'I' -> {
                int oid = buf.getInt();
                expect(buf, 'N');
                yield new Insert(oid, tuple(buf));
            }
            case 'U' -> update(buf);
            case 'D' -> {
                int oid = buf.getInt();
                char kind = (char) buf.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalStateException("pgoutput DELETE without old key or row: " + kind);
                }
                yield new Delete(oid, kind, tuple(buf));
            }
            case 'T' -> truncate(buf);
            case 'M' -> new Ignored(tag);
            default -> throw new IllegalStateException("unexpected pgoutput message type '" + tag + "'");
        };
    }

    private static Relation relation(ByteBuffer buf) {
        int oid = buf.getInt();
        String schema = string(buf);
        String name = string(buf);
        char identity = (char) buf.get();
        int count = buf.getShort();
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (buf.get() & 1) != 0;
            columns.add(new Column(string(buf), key, buf.getInt(), buf.getInt()));
        }
        return new Relation(oid, schema, name, identity, columns);
    }

    private static Update update(ByteBuffer buf) {
        int oid = buf.getInt();
        char kind = (char) buf.get();
        Tuple old = null;
        char oldKind = 0;
        if (kind == 'K' || kind == 'O') {
            oldKind = kind;
            old = tuple(buf);
            kind = (char) buf.get();
        }
        if (kind != 'N') {
            throw new IllegalStateException("pgoutput UPDATE without new row: " + kind);
        }
        return new Update(oid, oldKind, old, tuple(buf));
    }

    private static Truncate truncate(ByteBuffer buf) {
        int count = buf.getInt();
        int options = buf.get();
        List<Integer> oids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            oids.add(buf.getInt());
        }
        return new Truncate(oids, (options & TRUNCATE_CASCADE) != 0, (options & TRUNCATE_RESTART_IDENTITY) != 0);
    }

    private static Tuple tuple(ByteBuffer buf) {
        int count = buf.getShort();
        byte[] kinds = new byte[count];
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            byte kind = buf.get();
            kinds[i] = kind;
            switch (kind) {
                case Tuple.NULL, Tuple.UNCHANGED_TOAST -> { }
                case Tuple.TEXT -> {
                    int length = buf.getInt();
                    values[i] = utf8(buf, buf.position(), length);
                    buf.position(buf.position() + length);
                }
                default -> throw new IllegalStateException("unexpected pgoutput column kind '" + (char) kind + "'");
            }
        }
        return new Tuple(kinds, values);
    }

    private static String string(ByteBuffer buf) {
        int start = buf.position();
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        String s = utf8(buf, start, end - start);
        buf.position(end + 1);
        return s;
    }

    private static String utf8(ByteBuffer buf, int at, int length) {
        if (buf.hasArray()) {
            return new String(buf.array(), buf.arrayOffset() + at, length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        buf.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void expect(ByteBuffer buf, char expected) {
        char got = (char) buf.get();
        if (got != expected) {
            throw new IllegalStateException("pgoutput: expected '" + expected + "' but got '" + got + "'");
        }
    }
}
