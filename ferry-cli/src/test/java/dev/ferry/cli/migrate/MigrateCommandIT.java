package dev.ferry.cli.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.CliRun;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ferry migrate} in this JVM. One-time: a small database arrives whole and the command exits 0; an
 * unreachable source is still named as such (the job's verify reports it, the profiles do not connect). Continuous
 * with {@code --promote-when-ready}, while a writer changes the source during the initial copy: the command exits 0
 * and both sides end up identical.
 */
class MigrateCommandIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @Test
    @Timeout(120)
    void oneTimeMigrationOfAOneRowDatabaseExitsZeroWithTheRowOnTheDestination() throws Exception {
        TestDatabase small = pg.freshDatabase();
        small.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'one')");

        CliRun result = ferry("migrate", "--source", url(small.connection(), small.name()),
                "--destination", url(destination.superuser(), "postgres"));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("completed in").contains("All 1 tables have the same row count on both sides.");
        assertThat(one(destination.superuser().withDatabase(small.name()), "SELECT id || ':' || v FROM t")).isEqualTo("1:one");
    }

    @Test
    @Timeout(120)
    void aDestinationUrlNamingTheMigratedDatabaseThatDoesNotExistYetGetsItCreated() throws Exception {
        TestDatabase small = pg.freshDatabase();
        small.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (7, 'seven')");
        assertThat(one(destination.superuser(), "SELECT count(*) FROM pg_database WHERE datname = '" + small.name() + "'"))
                .isEqualTo("0");

        CliRun result = ferry("migrate", "--source", url(small.connection(), small.name()),
                "--destination", url(destination.superuser(), small.name()));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.err()).doesNotContain("does not exist");
        assertThat(one(destination.superuser().withDatabase(small.name()), "SELECT id || ':' || v FROM t")).isEqualTo("7:seven");
    }

    @Test
    @Timeout(120)
    void anUnreachableSourceIsNamedAndNothingIsCreatedOnTheDestination() throws Exception {
        TestDatabase small = pg.freshDatabase();
        String database = small.name() + "_gone";
        DatabaseConnection nowhere = small.connection().withAddress("127.0.0.1", unusedPort());

        CliRun result = ferry("migrate", "--source", url(nowhere, database), "--destination", url(destination.superuser(), "postgres"));

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("CONNECTION_FAILURE").contains("Cannot reach PostgreSQL at " + nowhere.host() + ":" + nowhere.port());
        assertThat(one(destination.superuser(), "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")).isEqualTo("0");
    }

    /** A port on loopback where nothing listens: one the system handed out and that was closed again. */
    private static int unusedPort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    @Timeout(300)
    void continuousMigrationUnderAWriterPromotesWhenReadyAndExitsZeroWithEqualTables() throws Exception {
        TestDatabase bank = pg.freshDatabase();
        bank.execute("CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2), note text)",
                "CREATE TABLE history (id bigserial PRIMARY KEY, account bigint, delta numeric(14,2), at timestamptz DEFAULT now())",
                "INSERT INTO account (owner, balance, note) SELECT 'o' || g, g, repeat(md5(g::text), 20) "
                        + "FROM generate_series(1, 20000) g");
        var writes = new AtomicLong();
        var failure = new AtomicReference<Throwable>();
        Thread writer = writer(bank, writes, failure);

        CliRun result = ferry("migrate", "--type", "continuous", "--promote-when-ready",
                "--source", url(bank.connection(), bank.name()), "--destination", url(destination.superuser(), "postgres"));
        writer.join();

        assertThat(failure.get()).as("writer").isNull();
        assertThat(writes.get()).as("writes while migrating").isPositive();
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("completed in").contains("All 2 tables have the same row count on both sides.");
        DatabaseConnection target = destination.superuser().withDatabase(bank.name());
        for (String table : List.of("account", "history")) {
            assertThat(one(target, hash(table))).as(table).isEqualTo(one(bank.connection(), hash(table)));
        }
        for (String sequence : List.of("account_id_seq", "history_id_seq")) {
            String sql = "SELECT last_value FROM " + sequence;
            assertThat(one(target, sql)).as(sequence).isEqualTo(one(bank.connection(), sql));
        }
        assertThat(one(bank.connection(), "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("0");
    }

    /**
     * Inserts, updates and deletes until the destination holds the tables' definitions (Ferry restored
     * the schema, so its snapshot and replication slot exist): the writes before the snapshot arrive
     * with the copy, the later ones through replication, and all of them before the job can catch up
     * and promote.
     */
    private static Thread writer(TestDatabase db, AtomicLong writes, AtomicReference<Throwable> failure) {
        DatabaseConnection target = destination.superuser().withDatabase("postgres");
        return Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO account (owner, balance, note) VALUES (?, 0, 'new')");
                    PreparedStatement move = c.prepareStatement("WITH u AS (UPDATE account SET balance = balance + ? "
                            + "WHERE id = ? RETURNING id) INSERT INTO history (account, delta) SELECT id, ? FROM u");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM account WHERE id = ?")) {
                var random = ThreadLocalRandom.current();
                while (writes.get() % 20 != 0 || !schemaArrived(target, db.name())) {
                    long id = 1 + random.nextLong(20_000);
                    int op = random.nextInt(10);
                    if (op < 3) {
                        insert.setString(1, "w" + writes.get());
                        insert.executeUpdate();
                    } else if (op < 9) {
                        move.setLong(1, op);
                        move.setLong(2, id);
                        move.setLong(3, op);
                        move.executeUpdate();
                    } else {
                        delete.setLong(1, id);
                        delete.executeUpdate();
                    }
                    writes.incrementAndGet();
                }
            } catch (SQLException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    private static boolean schemaArrived(DatabaseConnection server, String database) throws SQLException {
        if (!"1".equals(one(server, "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'"))) {
            return false;
        }
        return "1".equals(one(server.withDatabase(database), "SELECT count(*) FROM pg_tables WHERE tablename = 'history'"));
    }

    private static String hash(String table) {
        return "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM "
                + table + " t";
    }


    private static CliRun ferry(String... args) {
        return CliRun.ferry(args);
    }

    private static String url(DatabaseConnection c, String database) {
        String password = c.password() == null ? "" : ":" + URLEncoder.encode(c.password().reveal(), StandardCharsets.UTF_8);
        return "postgresql://%s%s@%s:%d/%s".formatted(URLEncoder.encode(c.username(), StandardCharsets.UTF_8), password,
                c.host(), c.port(), database);
    }

    private static String one(DatabaseConnection c, String sql) throws SQLException {
        var props = new Properties();
        props.setProperty("user", c.username());
        if (c.password() != null) {
            props.setProperty("password", c.password().reveal());
        }
        String jdbc = "jdbc:postgresql://%s:%d/%s".formatted(c.host(), c.port(), c.database());
        try (Connection connection = DriverManager.getConnection(jdbc, props); Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values.isEmpty() ? null : values.getFirst();
        }
    }
}
