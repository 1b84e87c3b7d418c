package dev.ferry.testkit;

import dev.ferry.core.model.DatabaseConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy between Ferry and a database server that injects network faults: it cuts every connection
 * (reset, as a dying middlebox or a failover does), refuses new connections for a while, or stalls traffic
 * (stops forwarding bytes while keeping every socket open, as a black-holed network does). Listens on a free
 * loopback port; one virtual thread per direction of each connection. Thread-safe; close it when done.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
    private static final int BUFFER = 64 * 1024;
    private static final long STALL_POLL_MILLIS = 20;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong refuseUntil = new AtomicLong();
    private final AtomicLong stallUntil = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile long bytesPerSecond;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, int listenPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        Thread.ofVirtual().name("fault-proxy-accept-" + port()).start(this::acceptLoop);
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}. */
    public static FaultProxy to(String host, int port) {
        return on(0, host, port);
    }

    /** A proxy forwarding to the server of {@code server}. */
    public static FaultProxy to(DatabaseConnection server) {
        return to(server.host(), server.port());
    }

    /** A proxy on {@code listenPort} (0: a free one) forwarding to {@code host:port}. */
    public static FaultProxy on(int listenPort, String host, int port) {
        try {
            return new FaultProxy(host, port, listenPort);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen for the fault proxy to " + host + ":" + port, e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code server} reached through this proxy: same credentials and database, the proxy's address. */
    public DatabaseConnection through(DatabaseConnection server) {
        return server.withAddress(InetAddress.getLoopbackAddress().getHostAddress(), port());
    }

    /** Connections open now. */
    public int connections() {
        return links.size();
    }

    /** Connections accepted since the start (refused ones included). */
    public long accepted() {
        return accepted.get();
    }

    /** Resets every open connection now, on both sides. */
    public void cutAll() {
        int n = 0;
        for (Link link : links) {
            link.reset();
            n++;
        }
        log.atInfo().addKeyValue("port", port()).addKeyValue("connections", n).log("fault proxy cut every connection");
    }

    /** Resets connections accepted from now on for {@code duration} (open ones stay). */
    public void refuseFor(Duration duration) {
        refuseUntil.set(System.nanoTime() + duration.toNanos());
        log.atInfo().addKeyValue("port", port()).addKeyValue("seconds", duration.toSeconds()).log("fault proxy refuses connections");
    }

    /** Cuts every connection and refuses new ones for {@code duration}: the network is gone for that long. */
    public void cutFor(Duration duration) {
        refuseFor(duration);
        cutAll();
    }

    /** Forwards no byte for {@code duration}, in either direction, keeping every socket open. */
    public void stallFor(Duration duration) {
        stallUntil.set(System.nanoTime() + duration.toNanos());
        log.atInfo().addKeyValue("port", port()).addKeyValue("seconds", duration.toSeconds()).log("fault proxy stalls traffic");
    }

    /**
     * Forwards at most {@code bytesPerSecond} per connection and direction (0: as fast as possible), to make a
     * copy last long enough for faults to hit it.
     */
    public void throttle(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be 0 or positive");
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Ends every fault now: forwards and accepts again. */
    public void heal() {
        refuseUntil.set(System.nanoTime());
        stallUntil.set(System.nanoTime());
    }

    private static boolean active(AtomicLong until) {
        return until.get() - System.nanoTime() > 0;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.atWarn().addKeyValue("port", port()).setCause(e).log("fault proxy stopped accepting");
                }
                return;
            }
            accepted.incrementAndGet();
            if (active(refuseUntil)) {
                resetQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("fault-proxy-link-" + port()).start(() -> open(client));
        }
    }

    private void open(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            resetQuietly(client);
            resetQuietly(server);
            return;
        }
        Link link = new Link(client, server);
        links.add(link);
        Thread.ofVirtual().name("fault-proxy-up-" + port()).start(() -> pump(link, client, server));
        Thread.ofVirtual().name("fault-proxy-down-" + port()).start(() -> pump(link, server, client));
    }

    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                while (active(stallUntil) && !link.isClosed()) {
                    TimeUnit.MILLISECONDS.sleep(STALL_POLL_MILLIS);
                }
                out.write(buffer, 0, n);
                out.flush();
                long rate = bytesPerSecond;
                if (rate > 0) {
                    TimeUnit.NANOSECONDS.sleep(n * 1_000_000_000L / rate);
                }
            }
            link.close();
        } catch (IOException e) {
            link.reset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.reset();
        }
    }

    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            // the socket is already unusable: closing it is all that is left
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket being reset: nothing more can be done with it
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.atWarn().addKeyValue("port", port()).setCause(e).log("could not close the fault proxy's listener");
        }
        links.forEach(Link::reset);
    }

    /** One proxied connection: the client's socket and the server's. */
    private final class Link {
        private final Socket client;
        private final Socket server;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        boolean isClosed() {
            return client.isClosed() || server.isClosed();
        }

        /** Both sides see a connection reset. */
        void reset() {
            links.remove(this);
            resetQuietly(client);
            resetQuietly(server);
        }

        /** An orderly end: one side closed, so the other is closed too. */
        void close() {
            links.remove(this);
            try {
                client.close();
            } catch (IOException e) {
                // already closed by the peer
            }
            try {
                server.close();
            } catch (IOException e) {
                // already closed by the peer
            }
        }
    }
}
