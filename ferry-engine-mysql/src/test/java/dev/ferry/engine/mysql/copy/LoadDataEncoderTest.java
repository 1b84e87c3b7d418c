package dev.ferry.engine.mysql.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadDataEncoderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String encode(byte[]... row) {
        ByteSink sink = new ByteSink(4);
        LoadDataEncoder.encodeRow(row, sink);
        return new String(sink.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void separatesFieldsWithTabsAndEndsRowsWithNewline() {
        assertThat(encode(bytes("a"), bytes("bc"), bytes(""))).isEqualTo("a\tbc\t\n");
    }

    @Test
    void writesNullAsBackslashN() {
        assertThat(encode(null, bytes("x"))).isEqualTo("\\N\tx\n");
    }

    @Test
    void keepsTheTextBackslashNDistinctFromNull() {
        assertThat(encode(bytes("\\N"))).isEqualTo("\\\\N\n");
    }

    @Test
    void escapesBackslashTabNewlineAndNul() {
        assertThat(encode(new byte[] {'a', '\\', '\t', '\n', 0, 'z'})).isEqualTo("a\\\\\\t\\n\\0z\n");
    }

    @Test
    void passesOtherBytesThroughUnchanged() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        ByteSink sink = new ByteSink(16);
        int written = LoadDataEncoder.encodeRow(new byte[][] {all}, sink);
        byte[] out = sink.toByteArray();
        assertThat(written).isEqualTo(out.length).isEqualTo(256 + 4 + 1);
        assertThat(out[0]).isEqualTo((byte) '\\');
        assertThat(out[1]).isEqualTo((byte) '0');
        assertThat(out[out.length - 2]).isEqualTo((byte) 0xFF);
        assertThat(out[out.length - 1]).isEqualTo((byte) '\n');
    }

    @Test
    void reportsTheBytesItWrote() {
        ByteSink sink = new ByteSink(1);
        assertThat(LoadDataEncoder.encodeRow(new byte[][] {bytes("ab"), null}, sink)).isEqualTo(6);
        assertThat(LoadDataEncoder.encodeRow(new byte[][] {bytes("\t")}, sink)).isEqualTo(3);
    }
}
