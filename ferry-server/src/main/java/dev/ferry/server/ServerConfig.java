package dev.ferry.server;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;

/**
 * Where the API listens. {@code host} is the address to bind (127.0.0.1 keeps the API on this machine;
 * the API has no authentication yet); {@code port} 0 means a free port chosen at start.
 */
public record ServerConfig(String host, int port) {
    public static final int DEFAULT_PORT = 8642;
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A bind address is required, such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Port %d is not between 1 and 65535 (or 0 for a free port)".formatted(port));
        }
    }

    /** Listens on 127.0.0.1 at {@code port}. */
    public static ServerConfig local(int port) {
        return new ServerConfig(DEFAULT_HOST, port);
    }
}
