package dev.ferry.engine.mysql.copy;

/**
 * Writes rows in the default LOAD DATA text format: fields separated by TAB, rows ended by LF, escape
 * character backslash, NULL as {@code \N}. Bytes are passed through untouched (the statement says
 * {@code CHARACTER SET binary}); only backslash, TAB, LF and NUL are escaped, which is everything the server
 * reads specially in this format. Pure.
 */
final class LoadDataEncoder {
    private static final byte ESC = '\\';
    /** The letter written after the escape character for each byte that needs one; 0 for the others. */
    private static final byte[] ESCAPES = new byte[256];

    static {
        ESCAPES['\\'] = '\\';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES[0] = '0';
    }

    private LoadDataEncoder() {}

    /** Appends one row, {@code null} elements being SQL NULL; returns the number of bytes written. */
    static int encodeRow(byte[][] values, ByteSink out) {
        int before = out.remaining();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.put((byte) '\t');
            }
            encodeField(values[i], out);
        }
        out.put((byte) '\n');
        return out.remaining() - before;
    }

    static void encodeField(byte[] value, ByteSink out) {
        if (value == null) {
            out.put(ESC);
            out.put((byte) 'N');
            return;
        }
        int plainFrom = 0;
        for (int i = 0; i < value.length; i++) {
            byte escaped = ESCAPES[value[i] & 0xFF];
            if (escaped != 0) {
                out.put(value, plainFrom, i - plainFrom);
                out.put(ESC);
                out.put(escaped);
                plainFrom = i + 1;
            }
        }
        out.put(value, plainFrom, value.length - plainFrom);
    }
}
