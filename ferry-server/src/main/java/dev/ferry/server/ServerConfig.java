package dev.ferry.server;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where and how the API listens. {@code host} is the address to bind; {@code port} 0 means a free port
 * chosen at start. {@code tls} null serves plain HTTP, which Ferry allows only on a loopback address,
 * or when {@code behindTlsProxy} says a TLS-terminating proxy sits in front. {@code allowedHosts} are
 * extra names the {@code Host} header may carry (a reverse proxy's or a load balancer's), beside the
 * server's own names and addresses.
 */
public record ServerConfig(String host, int port, Tls tls, boolean behindTlsProxy, List<String> allowedHosts) {
    public static final int DEFAULT_PORT = 8642;
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The PEM files of the server's certificate chain and its private key (PKCS#8). */
    public record Tls(Path certificate, Path privateKey) {
        public Tls {
            if (certificate == null || privateKey == null) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "TLS needs both a certificate and its private key: give --tls-cert FILE and --tls-key FILE");
            }
        }
    }

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A bind address is required, such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Port %d is not between 1 and 65535 (or 0 for a free port)".formatted(port));
        }
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        if (tls == null && !behindTlsProxy && !isLoopback(host)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    ("Ferry does not serve its API without TLS on %s, an address other machines can reach: give "
                            + "--tls-cert FILE --tls-key FILE, or --behind-tls-proxy when a TLS-terminating proxy is in "
                            + "front of it, or bind to 127.0.0.1").formatted(host));
        }
    }

    /** Plain HTTP on {@code host} (a loopback address), no extra host names. */
    public ServerConfig(String host, int port) {
        this(host, port, null, false, List.of());
    }

    /** Listens on 127.0.0.1 at {@code port}. */
    public static ServerConfig local(int port) {
        return new ServerConfig(DEFAULT_HOST, port);
    }

    /** HTTPS on 127.0.0.1 at {@code port}. */
    public static ServerConfig localTls(int port, Tls tls) {
        return new ServerConfig(DEFAULT_HOST, port, tls, false, List.of());
    }

    /** The URL scheme browsers and clients use to reach this server: https unless plain HTTP on loopback. */
    public String scheme() {
        return tls != null || behindTlsProxy ? "https" : "http";
    }

    /** True when {@code host} names or is a loopback address. */
    public static boolean isLoopback(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Bind address %s is not an address of this machine; use an IP address such as 127.0.0.1".formatted(host), e);
        }
    }
}
