package dev.ferry.testkit;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/** What {@link LocalPostgres} and {@link LocalMariaDb} share: the server's spec, the instance, fresh databases. */
final class ServerHandle {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final InstanceSpec spec;

    ServerHandle(InstanceSpec spec) {
        this.spec = spec;
    }

    Instance instance() {
        return TestServers.get().server(spec);
    }

    void stop() {
        TestServers.get().stop(instance().name());
    }

    void start() {
        TestServers.get().start(spec.name());
    }

    DatabaseConnection superuser(String defaultDatabase) {
        return instance().endpoint().withDatabase(defaultDatabase);
    }

    TestDatabase freshDatabase(String defaultDatabase) {
        String name = uniqueName();
        DatabaseConnection admin = superuser(defaultDatabase);
        EngineKind engine = admin.engine();
        try (Connection c = TestDatabase.open(admin); Statement statement = c.createStatement()) {
            statement.execute("CREATE DATABASE " + engine.dialect().quote(name));
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database %s on %s".formatted(name, admin.display()), e);
        }
        return new TestDatabase(name, admin);
    }

    /** {@code t_<counter>_<6 random letters or digits>}: unique in this JVM and unlikely to clash across JVMs. */
    static String uniqueName() {
        var name = new StringBuilder("t_").append(COUNTER.incrementAndGet()).append('_');
        for (int i = 0; i < 6; i++) {
            name.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return name.toString();
    }
}
