package dev.ferry.engine.mysql.chunk;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A half-open range of key values, {@code lower <= key < upper}, either end unbounded ({@code null}). Each bound
 * holds one value per key column, as the bytes its id encodes: the ASCII digits of numbers, the UTF-8 text of
 * text and temporal values, the raw bytes of binary ones.
 *
 * <p>The id is stable and self-describing, so that a resumed copy can rebuild the range from it alone:
 * {@code [lower,upper)}, each bound {@code *} (unbounded) or the values joined by {@code |}; numbers bare
 * ({@code -3.50}), other values quoted when printable ASCII ({@code 'it''s'}) and as {@code x} and hex
 * otherwise ({@code x00ff}); a value decodes to the same bytes whatever the column's type. {@code [*,*)} is the
 * whole table, whatever its key. Immutable; equal when the ids are.
 */
public record KeyRange(List<byte[]> lower, List<byte[]> upper) {
    /** The whole table. */
    public static final KeyRange ALL = new KeyRange(null, null);

    private static final HexFormat HEX = HexFormat.of();

    public KeyRange {
        lower = lower == null ? null : List.copyOf(lower);
        upper = upper == null ? null : List.copyOf(upper);
    }

    public boolean isAll() {
        return lower == null && upper == null;
    }

    /** The range's id (see the class comment). */
    public String id() {
        return "[" + bound(lower) + "," + bound(upper) + ")";
    }

    /** The length a bound adds to an id, to keep ids short enough to be stored as checkpoint keys. */
    static int encodedLength(List<byte[]> values) {
        return bound(values).length();
    }

    private static String bound(List<byte[]> values) {
        if (values == null) {
            return "*";
        }
        List<String> parts = new ArrayList<>(values.size());
        for (byte[] v : values) {
            parts.add(encode(v));
        }
        return String.join("|", parts);
    }

    private static String encode(byte[] v) {
        if (isNumber(v)) {
            return new String(v, StandardCharsets.US_ASCII);
        }
        for (byte b : v) {
            if (b < 0x20 || b > 0x7e) {
                return "x" + HEX.formatHex(v);
            }
        }
        return "'" + new String(v, StandardCharsets.US_ASCII).replace("'", "''") + "'";
    }

    /** Digits with an optional sign and decimal point: what numeric key columns print. */
    private static boolean isNumber(byte[] v) {
        if (v.length == 0) {
            return false;
        }
        int digits = 0;
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            if (b >= '0' && b <= '9') {
                digits++;
            } else if (!(b == '-' && i == 0) && b != '.') {
                return false;
            }
        }
        return digits > 0;
    }

    /**
     * Rebuilds a range from its id for a table split by {@code key}.
     *
     * @throws IllegalArgumentException when the id is malformed or does not fit the key
     */
    public static KeyRange parse(String id, ChunkKey key) {
        var cursor = new Cursor(id);
        cursor.expect('[');
        List<byte[]> lower = cursor.bound(key);
        cursor.expect(',');
        List<byte[]> upper = cursor.bound(key);
        cursor.expect(')');
        cursor.end();
        if ((lower != null || upper != null) && key.isEmpty()) {
            throw new IllegalArgumentException("chunk " + id + " has bounds but the table has no key");
        }
        return new KeyRange(lower, upper);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange other && id().equals(other.id());
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return id();
    }

    /** Reads an id left to right. */
    private static final class Cursor {
        private final String text;
        private int pos;

        Cursor(String text) {
            this.text = text;
        }

        void expect(char c) {
            if (pos >= text.length() || text.charAt(pos) != c) {
                throw malformed("expected '" + c + "'");
            }
            pos++;
        }

        void end() {
            if (pos != text.length()) {
                throw malformed("unexpected text after the range");
            }
        }

        List<byte[]> bound(ChunkKey key) {
            if (pos < text.length() && text.charAt(pos) == '*') {
                pos++;
                return null;
            }
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; ; i++) {
                if (i >= key.columns().size()) {
                    throw malformed("more values than the key's " + key.columns().size() + " column(s)");
                }
                values.add(value(key.columns().get(i).type()));
                if (pos < text.length() && text.charAt(pos) == '|') {
                    pos++;
                } else {
                    break;
                }
            }
            if (values.size() != key.columns().size()) {
                throw malformed("fewer values than the key's " + key.columns().size() + " column(s)");
            }
            return values;
        }

        private byte[] value(KeyType type) {
            byte[] value = token();
            if (type.numeric()) {
                try {
                    new BigDecimal(new String(value, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    throw malformed("a " + type + " column needs a number");
                }
            }
            return value;
        }

        private byte[] token() {
            if (pos >= text.length()) {
                throw malformed("missing value");
            }
            char first = text.charAt(pos);
            if (first == '\'') {
                return quoted();
            }
            if (first == 'x') {
                int start = ++pos;
                while (pos < text.length() && HexFormat.isHexDigit(text.charAt(pos))) {
                    pos++;
                }
                if ((pos - start) % 2 != 0) {
                    throw malformed("odd number of hex digits");
                }
                return HEX.parseHex(text, start, pos);
            }
            int start = pos;
            while (pos < text.length() && "0123456789-.".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            if (pos == start) {
                throw malformed("missing value");
            }
            return text.substring(start, pos).getBytes(StandardCharsets.US_ASCII);
        }

        private byte[] quoted() {
            StringBuilder out = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw malformed("unterminated quote");
                }
                char c = text.charAt(pos++);
                if (c == '\'') {
                    if (pos < text.length() && text.charAt(pos) == '\'') {
                        out.append('\'');
                        pos++;
                    } else {
                        return out.toString().getBytes(StandardCharsets.US_ASCII);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private IllegalArgumentException malformed(String why) {
            return new IllegalArgumentException("not a chunk id: " + text + " (" + why + " at " + pos + ")");
        }
    }
}
