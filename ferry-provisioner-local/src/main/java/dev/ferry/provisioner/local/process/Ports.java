package dev.ferry.provisioner.local.process;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;

/** Free and taken TCP ports on 127.0.0.1, where local instances listen. */
public final class Ports {
    private static final int ATTEMPTS = 50;

    private Ports() {}

    /** A port nothing listens on now and that is not in {@code reserved} (ports of stopped instances). */
    public static int free(Set<Integer> reserved) {
        for (int i = 0; i < ATTEMPTS; i++) {
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (!reserved.contains(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new FerryException(ErrorCode.UNAVAILABLE,
                        "Could not find a free TCP port on 127.0.0.1; check the machine's network settings", e);
            }
        }
        throw new FerryException(ErrorCode.UNAVAILABLE, "Could not find a free TCP port on 127.0.0.1 after %d tries"
                .formatted(ATTEMPTS));
    }

    /** Throws FAILED_PRECONDITION when something listens on {@code port} or it cannot be bound. */
    public static void requireFree(int port) {
        if (accepting(port)) {
            throw taken(port, null);
        }
        try (var socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (IOException e) {
            throw taken(port, e);
        }
    }

    /** Whether a TCP connection to 127.0.0.1:{@code port} succeeds now. */
    public static boolean accepting(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static FerryException taken(int port, Throwable cause) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Port %d on 127.0.0.1 is already in use; choose another port or leave the port empty for a free one"
                        .formatted(port), cause);
    }
}
