package dev.ferry.core.net;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The database protocol a port speaks, told in a round trip or two without logging in, so that a profile pointed at
 * the other family's port is refused at once with a message saying so (a MySQL/MariaDB driver would otherwise wait
 * for a greeting a PostgreSQL server never sends, and the PostgreSQL driver fails on a MySQL greeting with a protocol
 * error). MySQL/MariaDB servers speak first (their greeting: a packet with sequence number 0 and protocol version 10,
 * or an error packet); PostgreSQL servers answer an SSLRequest with one byte, {@code S} or {@code N}.
 * Stateless and thread-safe; {@link #identify} blocks for at most about three times its timeout.
 */
public enum WireProtocol {
    POSTGRESQL("PostgreSQL"),
    MYSQL("MySQL/MariaDB"),
    /** Nothing conclusive: unreachable, silent, or another protocol; the driver's own error will say more. */
    UNKNOWN("an unknown protocol");

    /** How long each step of {@link #identify} waits: short, since a database server answers in one round trip. */
    public static final Duration DEFAULT_WAIT = Duration.ofMillis(1500);

    private static final int SSL_REQUEST_CODE = 80877103;
    private static final int MYSQL_PROTOCOL_VERSION = 10;
    private static final int MYSQL_ERROR_PACKET = 0xff;

    private final String display;

    WireProtocol(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }

    /**
     * Refuses ({@code INVALID_ARGUMENT}) a server whose port answers like the other family's protocol; returns when it
     * answers like {@code expected} or nothing can be told (the connection that follows reports that).
     */
    public static void require(String host, int port, WireProtocol expected) {
        WireProtocol found = identify(host, port, expected, DEFAULT_WAIT);
        if (found != expected && found != UNKNOWN) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s:%d answered like %s, not %s; check the port (and the engine) of the connection: PostgreSQL "
                            .formatted(host, port, found.display(), expected.display())
                            + "listens on 5432 by default, MySQL/MariaDB on 3306");
        }
    }

    /**
     * What answers on {@code host:port}. Expecting MySQL/MariaDB, it first listens for the greeting, so a MySQL server
     * never reads a foreign request; otherwise it sends an SSLRequest at once, which a PostgreSQL server answers
     * without logging anything when the connection then closes.
     */
    public static WireProtocol identify(String host, int port, WireProtocol expected, Duration wait) {
        int millis = (int) Math.max(1, wait.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            byte[] first = new byte[16];
            int n = 0;
            if (expected == MYSQL) {
                n = readSome(in, first);
            }
            if (n <= 0) {
                socket.getOutputStream().write(sslRequest());
                socket.getOutputStream().flush();
                n = readSome(in, first);
            }
            return classify(first, n);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** The protocol the first {@code n} bytes received belong to. */
    static WireProtocol classify(byte[] bytes, int n) {
        if (n >= 5 && bytes[3] == 0 && ((bytes[4] & 0xff) == MYSQL_PROTOCOL_VERSION || (bytes[4] & 0xff) == MYSQL_ERROR_PACKET)) {
            return MYSQL;
        }
        if (n == 1 && (bytes[0] == 'S' || bytes[0] == 'N')) {
            return POSTGRESQL;
        }
        return UNKNOWN;
    }

    /** Reads what has arrived, waiting up to the socket's timeout; 0 when nothing came, -1 at the end of the stream. */
    private static int readSome(InputStream in, byte[] into) throws IOException {
        try {
            return in.read(into);
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    private static byte[] sslRequest() {
        return java.nio.ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array();
    }
}
