package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.tls.ClientTls;
import dev.ferry.core.model.Position.BinlogPosition;
import java.io.IOException;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the source as a replica, streaming the binary log from a position (file and offset, or
 * the GTID state) into a bounded queue that {@link #poll} drains in order. A failure ends the stream: after
 * {@link Item.Failed} or {@link Item.Ended} nothing else arrives, and an event the library could not decode
 * is a failure, never skipped. The reader runs on its own platform thread because the library holds
 * monitors around socket I/O. {@link #poll} is for one consumer; {@link #close} may be called from any thread.
 */
final class BinlogStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinlogStream.class);
    private static final int CAPACITY = 2_048;
    static final long HEARTBEAT_MILLIS = 5_000;

    /** What the stream delivers. */
    sealed interface Item {
        record Received(Event event) implements Item {}

        record Failed(Exception error, boolean undecodable) implements Item {}

        record Ended() implements Item {}
    }

    private final BinaryLogClient client;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread reader;
    private volatile boolean closed;
    private volatile boolean failed;

    private BinlogStream(BinaryLogClient client, String name) {
        this.client = client;
        client.registerEventListener(event -> {
            if (!failed) {
                offer(new Item.Received(event));
            }
        });
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
                fail(ex, false);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
                fail(ex, true);
            }
        });
        this.reader = Thread.ofPlatform().daemon().name("ferry-binlog-" + name).unstarted(this::read);
    }

    /** Connects as replica {@code serverId} and streams from {@code from}: by GTID state when {@code byGtid}, else by file and offset. */
    static BinlogStream open(DatabaseConnection source, long serverId, BinlogPosition from, boolean byGtid, String name) {
        var client = new BinaryLogClient(source.host(), source.port(), source.username(),
                source.password() == null ? "" : source.password().reveal());
        client.setServerId(serverId);
        client.setKeepAlive(false);
        client.setHeartbeatInterval(HEARTBEAT_MILLIS);
        client.setConnectTimeout(10_000);
        client.setSSLMode(sslMode(source.sslMode()));
        if (source.sslMode() != TlsMode.DISABLE) {
            // The profile's CA and client certificate, in memory; the library checks the host name in VERIFY_IDENTITY.
            SSLSocketFactory tls = ClientTls.context(source.sslMode(), source.tls()).getSocketFactory();
            client.setSslSocketFactory(socket -> {
                try {
                    return (SSLSocket) tls.createSocket(socket, source.host(), source.port(), true);
                } catch (IOException e) {
                    SocketException failure = new SocketException("TLS to " + source.host() + ":" + source.port() + " failed");
                    failure.initCause(e);
                    throw failure;
                }
            });
        }
        client.setEventDeserializer(ExactRowsDeserializers.create());
        if (byGtid) {
            client.setGtidSet(from.gtids());
            client.setBinlogFilename("");
            client.setBinlogPosition(4);
        } else {
            client.setBinlogFilename(from.file());
            client.setBinlogPosition(from.offset());
        }
        var stream = new BinlogStream(client, name);
        stream.reader.start();
        return stream;
    }

    /** The next item, or null when none arrived within {@code millis}. */
    Item poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    private void read() {
        try {
            client.connect();
        } catch (IOException | RuntimeException e) {
            fail(e, false);
        } finally {
            offer(new Item.Ended());
        }
    }

    private void fail(Exception e, boolean undecodable) {
        if (!failed) {
            failed = true;
            offer(new Item.Failed(e, undecodable));
        }
        if (undecodable) {
            // The library would go on with the next event; the stream must not have a hole.
            disconnect();
        }
    }

    private void offer(Item item) {
        try {
            while (!closed) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void disconnect() {
        try {
            client.disconnect();
        } catch (IOException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing the binlog connection failed");
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        disconnect();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            log.atWarn().addKeyValue("thread", reader.getName()).log("binlog reader did not stop within 10 s; it is a daemon thread");
        }
    }

    /** The library's mode: PREFERRED upgrades to TLS when the server offers it, for this connection only. */
    static SSLMode sslMode(TlsMode mode) {
        return switch (mode) {
            case DISABLE -> SSLMode.DISABLED;
            case PREFER -> SSLMode.PREFERRED;
            case REQUIRE -> SSLMode.REQUIRED;
            case VERIFY_CA -> SSLMode.VERIFY_CA;
            case VERIFY_FULL -> SSLMode.VERIFY_IDENTITY;
        };
    }
}
