package dev.ferry.provisioner.local.postgres;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Whether a PostgreSQL server answers on a port: sends an SSLRequest, which needs no credentials, and
 * expects 'S' or 'N'. A refused or silent port is "not yet".
 */
final class StartupProbe {
    private static final int SSL_REQUEST_CODE = 80877103;
    private static final int TIMEOUT_MS = 1000;

    private StartupProbe() {}

    static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            var out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST_CODE);
            out.flush();
            int answer = new DataInputStream(socket.getInputStream()).read();
            return answer == 'S' || answer == 'N';
        } catch (IOException e) {
            return false;
        }
    }
}
