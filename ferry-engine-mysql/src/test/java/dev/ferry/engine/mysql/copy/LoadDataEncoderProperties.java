package dev.ferry.engine.mysql.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LoadDataEncoderProperties {

    @Property
    void theServersReadingOfTheEncodingGivesBackEveryRow(@ForAll("rows") List<List<byte[]>> rows) {
        ByteSink sink = new ByteSink(8);
        for (List<byte[]> row : rows) {
            LoadDataEncoder.encodeRow(row.toArray(byte[][]::new), sink);
        }

        List<List<byte[]>> decoded = decode(sink.toByteArray());

        assertThat(decoded).hasSameSizeAs(rows);
        for (int r = 0; r < rows.size(); r++) {
            assertThat(decoded.get(r)).hasSameSizeAs(rows.get(r));
            for (int c = 0; c < rows.get(r).size(); c++) {
                assertThat(decoded.get(r).get(c)).isEqualTo(rows.get(r).get(c));
            }
        }
    }

    @Provide
    Arbitrary<List<List<byte[]>>> rows() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) '\\', (byte) '\t', (byte) '\n', (byte) 0, (byte) 'N', (byte) 0xFF, (byte) '\r');
        Arbitrary<Byte> anyByte = Arbitraries.oneOf(interesting, Arbitraries.bytes());
        Arbitrary<byte[]> value = anyByte.list().ofMaxSize(12).map(LoadDataEncoderProperties::toArray).injectNull(0.15);
        return value.list().ofMinSize(1).ofMaxSize(5).list().ofMaxSize(6);
    }

    private static byte[] toArray(List<Byte> bytes) {
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    /** Reads the default LOAD DATA format as the server does: TAB, LF, backslash escapes, \N for NULL. */
    private static List<List<byte[]>> decode(byte[] data) {
        List<List<byte[]>> rows = new ArrayList<>();
        List<byte[]> row = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        boolean isNull = false;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == '\\') {
                byte next = data[++i];
                switch (next) {
                    case 'N' -> isNull = true;
                    case 't' -> field.write('\t');
                    case 'n' -> field.write('\n');
                    case '0' -> field.write(0);
                    default -> field.write(next);
                }
            } else if (b == '\t' || b == '\n') {
                row.add(isNull ? null : field.toByteArray());
                field.reset();
                isNull = false;
                if (b == '\n') {
                    rows.add(row);
                    row = new ArrayList<>();
                }
            } else {
                field.write(b);
            }
        }
        assertThat(row).as("trailing bytes after the last row: %s", Arrays.toString(field.toByteArray())).isEmpty();
        return rows;
    }
}
