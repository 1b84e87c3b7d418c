package dev.ferry.provisioner.local.mariadb;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Whether a MariaDB server accepts connections on a port: reads the initial handshake packet, which the
 * server sends before any credentials, and returns the version text in it (without MariaDB's
 * {@code 5.5.5-} compatibility prefix). A refused, silent or error-answering port is "not yet".
 */
final class HandshakeProbe {
    private static final int TIMEOUT_MS = 1000;
    private static final int PROTOCOL_10 = 10;
    private static final String COMPAT_PREFIX = "5.5.5-";

    private HandshakeProbe() {}

    static Optional<String> version(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            var in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
            in.readUnsignedByte(); // sequence id
            if (length < 2 || in.readUnsignedByte() != PROTOCOL_10) {
                return Optional.empty();
            }
            String version = readNulTerminated(in, length - 1);
            return Optional.of(version.startsWith(COMPAT_PREFIX) ? version.substring(COMPAT_PREFIX.length()) : version);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String readNulTerminated(InputStream in, int max) throws IOException {
        var bytes = new ByteArrayOutputStream();
        for (int i = 0; i < max; i++) {
            int b = in.read();
            if (b <= 0) {
                break;
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
