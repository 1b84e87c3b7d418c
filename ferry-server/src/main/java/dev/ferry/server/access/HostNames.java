package dev.ferry.server.access;

import dev.ferry.server.ServerConfig;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names a {@code Host} header may carry: the bind address; {@code localhost} and the loopback
 * addresses when bound to loopback or to every address; this machine's name and its interfaces'
 * addresses when reachable from elsewhere; the names in the server's certificate; and the names the
 * operator allowed. A page served from any other name (DNS rebinding included) is refused. Immutable.
 */
public final class HostNames {
    private static final Logger log = LoggerFactory.getLogger(HostNames.class);

    private final Set<String> names;

    private HostNames(Set<String> names) {
        this.names = Collections.unmodifiableSet(names);
    }

    public static HostNames of(ServerConfig config, TlsContext tls) {
        Set<String> names = new TreeSet<>();
        String bind = normal(config.host());
        names.add(bind);
        boolean wildcard = false;
        try {
            InetAddress address = InetAddress.getByName(config.host());
            names.add(normal(address.getHostAddress()));
            wildcard = address.isAnyLocalAddress();
            if (address.isLoopbackAddress() || wildcard) {
                names.addAll(Set.of("localhost", "127.0.0.1", "::1"));
            }
            if (!address.isLoopbackAddress()) {
                InetAddress local = InetAddress.getLocalHost();
                names.add(normal(local.getHostName()));
                names.add(normal(local.getCanonicalHostName()));
            }
        } catch (UnknownHostException e) {
            log.atWarn().addKeyValue("host", config.host()).setCause(e)
                    .log("cannot resolve the bind address or this machine's name; only the names given are allowed in Host");
        }
        if (wildcard) {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        names.add(normal(a.getHostAddress()));
                    }
                }
            } catch (SocketException e) {
                log.atWarn().setCause(e).log("cannot list network interfaces; their addresses are not allowed in Host unless given");
            }
        }
        if (tls != null) {
            tls.names().forEach(n -> names.add(normal(n)));
        }
        config.allowedHosts().forEach(n -> names.add(normal(n)));
        return new HostNames(names);
    }

    /** True when {@code host} (a name or address, without port or brackets) is one of the server's. */
    public boolean allows(String host) {
        return host != null && names.contains(normal(host));
    }

    public Set<String> names() {
        return names;
    }

    /** Lower case, without IPv6 brackets, zone or trailing dot. */
    static String normal(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int zone = h.indexOf('%');
        if (zone >= 0) {
            h = h.substring(0, zone);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("0:0:0:0:0:0:0:1")) {
            h = "::1";
        }
        return h;
    }
}
