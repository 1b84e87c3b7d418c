package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.engine.postgres.cdc.PgOutputMessage.Begin;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Column;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Commit;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Delete;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Insert;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Origin;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Truncate;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Type;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Update;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgOutputDecoderTest {

    @Test
    void beginAndCommitCarryLsnsAndTheCommitTime() throws IOException {
        long micros = 789_000_000_123_456L;
        var begin = (Begin) decode(w -> {
            w.writeByte('B');
            w.writeLong(0x1_0000_0010L);
            w.writeLong(micros);
            w.writeInt(42);
        });
        assertThat(begin.commitLsn()).isEqualTo(0x1_0000_0010L);
        assertThat(begin.xid()).isEqualTo(42);
        assertThat(begin.commitTime()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z").plusNanos(micros * 1000));

        var commit = (Commit) decode(w -> {
            w.writeByte('C');
            w.writeByte(0);
            w.writeLong(100);
            w.writeLong(180);
            w.writeLong(micros);
        });
        assertThat(commit.commitLsn()).isEqualTo(100);
        assertThat(commit.endLsn()).isEqualTo(180);
        assertThat(commit.commitTime()).isEqualTo(begin.commitTime());
    }

    @Test
    void aRelationListsItsColumnsWithKeyFlagsAndTypes() throws IOException {
        var rel = (Relation) decode(w -> {
            w.writeByte('R');
            w.writeInt(16384);
            string(w, "Sales Dept");
            string(w, "Ordér");
            w.writeByte('d');
            w.writeShort(2);
            w.writeByte(1);
            string(w, "id");
            w.writeInt(23);
            w.writeInt(-1);
            w.writeByte(0);
            string(w, "note");
            w.writeInt(25);
            w.writeInt(-1);
        });
        assertThat(rel.oid()).isEqualTo(16384);
        assertThat(rel.table().schema()).isEqualTo("Sales Dept");
        assertThat(rel.table().table()).isEqualTo("Ordér");
        assertThat(rel.columns()).containsExactly(new Column("id", true, 23, -1), new Column("note", false, 25, -1));
        assertThat(rel.hasKey()).isTrue();
        assertThat(rel.identityFull()).isFalse();
    }

    @Test
    void tupleDataDistinguishesTextNullAndUnchangedToast() throws IOException {
        var insert = (Insert) decode(w -> {
            w.writeByte('I');
            w.writeInt(7);
            w.writeByte('N');
            w.writeShort(3);
            text(w, "héllo\nworld");
            w.writeByte('n');
            w.writeByte('u');
        });
        assertThat(insert.relationOid()).isEqualTo(7);
        assertThat(insert.newTuple().values()).containsExactly("héllo\nworld", null, null);
        assertThat(insert.newTuple().unchanged(1)).isFalse();
        assertThat(insert.newTuple().unchanged(2)).isTrue();
    }

    @Test
    void anUpdateMayCarryTheOldKeyOrTheOldRow() throws IOException {
        var plain = (Update) decode(w -> {
            w.writeByte('U');
            w.writeInt(7);
            w.writeByte('N');
            w.writeShort(1);
            text(w, "1");
        });
        assertThat(plain.oldKind()).isEqualTo((char) 0);
        assertThat(plain.oldTuple()).isNull();

        var keyed = (Update) decode(w -> {
            w.writeByte('U');
            w.writeInt(7);
            w.writeByte('K');
            w.writeShort(1);
            text(w, "1");
            w.writeByte('N');
            w.writeShort(1);
            text(w, "2");
        });
        assertThat(keyed.oldKind()).isEqualTo('K');
        assertThat(keyed.oldTuple().values()).containsExactly("1");
        assertThat(keyed.newTuple().values()).containsExactly("2");
    }

    @Test
    void deleteTruncateTypeAndOriginAreDecoded() throws IOException {
        var delete = (Delete) decode(w -> {
            w.writeByte('D');
            w.writeInt(9);
            w.writeByte('O');
            w.writeShort(1);
            text(w, "x");
        });
        assertThat(delete.oldKind()).isEqualTo('O');
        assertThat(delete.oldTuple().values()).containsExactly("x");

        var truncate = (Truncate) decode(w -> {
            w.writeByte('T');
            w.writeInt(2);
            w.writeByte(3);
            w.writeInt(10);
            w.writeInt(11);
        });
        assertThat(truncate.relationOids()).isEqualTo(List.of(10, 11));
        assertThat(truncate.cascade()).isTrue();
        assertThat(truncate.restartIdentity()).isTrue();

        assertThat(decode(w -> {
            w.writeByte('Y');
            w.writeInt(5000);
            string(w, "public");
            string(w, "mood");
        })).isEqualTo(new Type(5000, "public", "mood"));
        assertThat(decode(w -> {
            w.writeByte('O');
            w.writeLong(77);
            string(w, "pg_16384");
        })).isEqualTo(new Origin(77, "pg_16384"));
    }

    @Test
    void streamingMessagesAreRefusedBecauseStreamingIsNeverRequested() {
        assertThatThrownBy(() -> decode(w -> {
            w.writeByte('S');
            w.writeInt(1);
            w.writeByte(1);
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("'S'");
    }

    @Test
    void aBufferWithAnOffsetIsReadFromItsPosition() throws IOException {
        byte[] payload = bytes(w -> {
            w.writeByte('Y');
            w.writeInt(1);
            string(w, "s");
            string(w, "t");
        });
        byte[] framed = new byte[payload.length + 25];
        System.arraycopy(payload, 0, framed, 25, payload.length);
        ByteBuffer slice = ByteBuffer.wrap(framed, 25, payload.length).slice();
        assertThat(PgOutputDecoder.decode(slice)).isEqualTo(new Type(1, "s", "t"));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static PgOutputMessage decode(Writer writer) throws IOException {
        return PgOutputDecoder.decode(ByteBuffer.wrap(bytes(writer)));
    }

    private static byte[] bytes(Writer writer) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            writer.write(out);
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeByte('t');
        out.writeInt(b.length);
        out.write(b);
    }
}
