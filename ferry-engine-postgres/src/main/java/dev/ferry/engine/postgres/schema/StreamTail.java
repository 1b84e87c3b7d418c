package dev.ferry.engine.postgres.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Drains a child process stream on its own virtual thread (so the child never blocks on a full pipe)
 * and keeps its last bytes for error messages.
 */
final class StreamTail {
    private static final int LIMIT = 16 * 1024;

    private final Thread reader;
    private byte[] tail = new byte[0];
    private IOException failure;

    private StreamTail(InputStream in, String name) {
        this.reader = Thread.ofVirtual().name(name).start(() -> read(in));
    }

    static StreamTail drain(InputStream in, String name) {
        return new StreamTail(in, name);
    }

    private void read(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                kept.write(buf, 0, n);
                if (kept.size() > 2 * LIMIT) {
                    byte[] all = kept.toByteArray();
                    kept.reset();
                    kept.write(all, all.length - LIMIT, LIMIT);
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        byte[] all = kept.toByteArray();
        tail = all.length > LIMIT ? Arrays.copyOfRange(all, all.length - LIMIT, all.length) : all;
    }

    /** Waits for the stream to end and returns its last bytes as text. */
    String text() throws InterruptedException {
        reader.join();
        String text = new String(tail, StandardCharsets.UTF_8);
        return failure == null ? text : text + "\n(reading the output failed: " + failure.getMessage() + ")";
    }
}
