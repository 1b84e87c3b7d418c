package dev.ferry.server.http;

/** A body sent as it is, such as a file of the web console, with its media type. */
public record Asset(byte[] bytes, String contentType) {
    public Asset {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Asset a && java.util.Arrays.equals(bytes, a.bytes) && contentType.equals(a.contentType);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(bytes) + contentType.hashCode();
    }

    @Override
    public String toString() {
        return "Asset[" + contentType + ", " + bytes.length + " bytes]";
    }
}
