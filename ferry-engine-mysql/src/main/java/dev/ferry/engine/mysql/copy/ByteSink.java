package dev.ferry.engine.mysql.copy;

import java.util.Arrays;

/** A growable byte buffer read from the front: the encoder appends a row, the stream drains it. Not thread-safe. */
final class ByteSink {
    private byte[] data;
    private int length;
    private int readPos;

    ByteSink(int initialCapacity) {
        data = new byte[initialCapacity];
    }

    void put(byte b) {
        ensure(1);
        data[length++] = b;
    }

    void put(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, data, length, len);
        length += len;
    }

    int remaining() {
        return length - readPos;
    }

    /** Copies up to {@code len} unread bytes into {@code dst}; returns how many. */
    int drain(byte[] dst, int off, int len) {
        int n = Math.min(len, remaining());
        System.arraycopy(data, readPos, dst, off, n);
        readPos += n;
        if (readPos == length) {
            clear();
        }
        return n;
    }

    void clear() {
        length = 0;
        readPos = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOfRange(data, readPos, length);
    }

    private void ensure(int extra) {
        if (length + extra > data.length) {
            if (readPos > 0) {
                System.arraycopy(data, readPos, data, 0, length - readPos);
                length -= readPos;
                readPos = 0;
            }
            if (length + extra > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, length + extra));
            }
        }
    }
}
