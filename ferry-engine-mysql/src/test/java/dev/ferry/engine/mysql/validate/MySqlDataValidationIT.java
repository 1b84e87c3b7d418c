package dev.ferry.engine.mysql.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.validate.ChunkHash;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.RowHash;
import dev.ferry.core.spi.validate.TableShape;
import dev.ferry.engine.mysql.MySqlEngine;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

@Timeout(180)
class MySqlDataValidationIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private final Engine engine = new MySqlEngine(Clock.systemUTC());

    /** Every value kind of the full load's fidelity tests, a composite text key, a binary key, a keyless table. */
    private static final String[] SCHEMA = resource("validation-types.sql").split(";\n");

    private static String resource(String name) {
        try (InputStream in = MySqlDataValidationIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name, e);
        }
    }

    private record Side(TestDatabase db, DataValidation validation) implements AutoCloseable {
        @Override
        public void close() {
            validation.close();
        }

        TableRef t(String table) {
            return new TableRef(db.name(), table);
        }

        TableShape shape(String table) {
            return validation.shape(t(table)).orElseThrow();
        }

        ChunkHash hash(String table, KeyRange range) {
            TableShape s = shape(table);
            return validation.hash(t(table), s, s.columnNames(), range);
        }

        Map<List<String>, String> rows(String table) {
            TableShape s = shape(table);
            Map<List<String>, String> out = new HashMap<>();
            for (RowHash r : validation.rows(t(table), s, s.columnNames(), KeyRange.ALL, 100_000)) {
                out.merge(r.key(), r.hash(), (a, b) -> a + "+" + b);
            }
            return out;
        }
    }

    private Side side(LocalMariaDb server) {
        TestDatabase db = server.freshDatabase();
        db.execute(SCHEMA);
        return new Side(db, engine.openValidation(db.connection(), db.name(), 2));
    }

    @Test
    void equalDataHashesAlikeInEveryRangeAndChunksCoverTheTable() {
        Side a = side(source);
        Side b = side(destination);
        try (a; b) {
            DataValidation va = a.validation();
            DataValidation vb = b.validation();
            for (String table : List.of("types", "all_types", "ck", "bk", "nokey")) {
                TableShape shape = a.shape(table);
                assertThat(b.shape(table)).isEqualTo(shape);
                List<KeyRange> chunks = va.chunks(a.t(table), shape, 100);
                assertThat(chunks.getFirst().from()).isNull();
                assertThat(chunks.getLast().to()).isNull();
                long rows = 0;
                for (KeyRange r : chunks) {
                    ChunkHash h = a.hash(table, r);
                    assertThat(b.hash(table, r)).as(table + " " + r).isEqualTo(h);
                    rows += h.rows();
                }
                assertThat(rows).as(table).isEqualTo(a.db().queryLong("SELECT COUNT(*) FROM " + table));
                assertThat(b.rows(table)).as(table).isEqualTo(a.rows(table));
            }
            assertThat(a.shape("ck").key()).containsExactly("region", "code");
            assertThat(a.shape("bk").key()).containsExactly("id");
            assertThat(a.shape("nokey").key()).isEmpty();
            assertThat(va.chunks(a.t("ck"), a.shape("ck"), 100)).hasSizeGreaterThan(5);
            assertThat(va.chunks(a.t("bk"), a.shape("bk"), 100)).hasSizeGreaterThan(5);
            assertThat(va.shape(a.t("no_such_table"))).isEmpty();
            assertThat(va.bytesRead()).isPositive();
        }
    }

    @Test
    void aChangedDeletedOrInsertedRowChangesTheHashAndRowsPinpointIt() {
        Side a = side(source);
        Side b = side(destination);
        b.db().execute(
                "SET SESSION sql_mode = ''",
                "UPDATE all_types SET tm4 = '-00:00:01.0002' WHERE id = 1",
                "UPDATE types SET dbl = 0.30000000000000004e0 + 1e-16 WHERE id = 2",
                "UPDATE types SET vb = NULL WHERE id = 3",
                "UPDATE ck SET note = 'A' WHERE note = 'a'",
                "DELETE FROM bk WHERE id = x'0000'",
                "INSERT INTO bk VALUES (x'0001', 5)",
                "DELETE FROM nokey WHERE a = 1 LIMIT 1",
                "UPDATE nokey SET b = NULL WHERE b = ''");
        try (a; b) {
            DataValidation va = a.validation();
            DataValidation vb = b.validation();
            for (String table : List.of("types", "ck", "bk", "nokey")) {
                assertThat(b.hash(table, KeyRange.ALL)).as(table).isNotEqualTo(a.hash(table, KeyRange.ALL));
            }
            assertThat(differing(a.rows("all_types"), b.rows("all_types"))).containsExactly(List.of("1"));
            assertThat(differing(a.rows("types"), b.rows("types"))).containsExactlyInAnyOrder(
                    List.of("2"), List.of("3"));
            String caseChanged = a.db().query("SELECT region, code FROM ck WHERE note = 'a'").getFirst().toString();
            assertThat(differing(a.rows("ck"), b.rows("ck"))).singleElement().hasToString(caseChanged);
            assertThat(differing(a.rows("bk"), b.rows("bk"))).containsExactlyInAnyOrder(List.of("0000"), List.of("0001"));
            assertThat(va.rows(a.t("nokey"), a.shape("nokey"), a.shape("nokey").columnNames(), KeyRange.ALL, 100)).hasSize(7);
            assertThat(vb.rows(b.t("nokey"), b.shape("nokey"), b.shape("nokey").columnNames(), KeyRange.ALL, 100)).hasSize(6);

            // By key: the ones that exist, in any order; thousands in one call.
            TableShape bk = a.shape("bk");
            List<List<String>> keys = new java.util.ArrayList<>(a.rows("bk").keySet());
            keys.add(List.of("0001"));
            keys.add(List.of("ABCDEF"));
            assertThat(va.rows(a.t("bk"), bk, bk.columnNames(), keys)).hasSize(1003);
            assertThat(vb.rows(b.t("bk"), bk, bk.columnNames(), List.of(List.of("0000"), List.of("0001"), List.of("00"))))
                    .extracting(RowHash::key).containsExactlyInAnyOrder(List.of("0001"), List.of("00"));
            TableShape ck = a.shape("ck");
            List<String> key = a.rows("ck").keySet().iterator().next();
            assertThat(va.rows(a.t("ck"), ck, List.of("note"), List.of(key, List.of(key.get(0).toUpperCase(), key.get(1)))))
                    .extracting(RowHash::key).containsExactly(key);
        }
    }

    @Test
    void splitCoversTheParentExactly() {
        Side a = side(source);
        try (a) {
            DataValidation va = a.validation();
            for (String table : List.of("ck", "bk")) {
                TableShape shape = a.shape(table);
                List<KeyRange> chunks = va.chunks(a.t(table), shape, 300);
                assertThat(chunks).hasSizeGreaterThanOrEqualTo(3);
                for (KeyRange parent : List.of(chunks.get(1), chunks.getFirst(), chunks.getLast(), KeyRange.ALL)) {
                    List<KeyRange> parts = va.split(a.t(table), shape, parent, 4);
                    assertThat(parts).as(table + " " + parent).hasSizeBetween(2, 4);
                    assertThat(parts.getFirst().from()).isEqualTo(parent.from());
                    assertThat(parts.getLast().to()).isEqualTo(parent.to());
                    long rows = 0;
                    for (int i = 0; i < parts.size(); i++) {
                        if (i > 0) {
                            assertThat(parts.get(i).from()).isEqualTo(parts.get(i - 1).to());
                        }
                        rows += a.hash(table, parts.get(i)).rows();
                    }
                    assertThat(rows).isEqualTo(a.hash(table, parent).rows());
                }
            }
            TableShape nokey = a.shape("nokey");
            assertThat(va.split(a.t("nokey"), nokey, KeyRange.ALL, 4)).containsExactly(KeyRange.ALL);
        }
    }

    @Test
    void sequencesAndAutoIncrementCountersAreCompared() {
        Side a = side(source);
        Side b = side(destination);
        try (a; b) {
            DataValidation va = a.validation();
            DataValidation vb = b.validation();
            List<TableRef> ta = List.of(a.t("ck"), a.t("bk"));
            Map<String, Long> before = renamed(va.sequences(ta), a);
            // A multi-row INSERT reserves counter values in blocks: at least 1001 after 1000 rows.
            assertThat(before.get("auto_increment DB.ck")).isGreaterThanOrEqualTo(1001L);
            assertThat(before).containsKey("sequence DB.sq").doesNotContainKey("auto_increment DB.bk");
            assertThat(renamed(vb.sequences(List.of(b.t("ck"), b.t("bk"))), b)).isEqualTo(before);

            b.db().execute("INSERT INTO ck (region, code) VALUES ('x', 'y')", "DO SETVAL(sq, 9000)");
            Map<String, Long> after = renamed(vb.sequences(List.of(b.t("ck"), b.t("bk"))), b);
            assertThat(after.get("auto_increment DB.ck")).isGreaterThan(before.get("auto_increment DB.ck"));
            assertThat(after.get("sequence DB.sq")).isNotEqualTo(before.get("sequence DB.sq"));
        }
    }

    @Test
    void bothSidesReadByTheShapeTheyAreGivenEvenWhereTheDestinationsOwnKeyDiffers() {
        Side a = side(source);
        Side b = side(destination);
        b.db().execute("ALTER TABLE ck DROP PRIMARY KEY");
        try (a; b) {
            DataValidation va = a.validation();
            DataValidation vb = b.validation();
            TableShape shape = a.shape("ck");
            assertThat(b.shape("ck").key()).containsExactly("n");
            for (KeyRange r : va.chunks(a.t("ck"), shape, 150)) {
                assertThat(vb.hash(b.t("ck"), shape, shape.columnNames(), r)).as(r.toString())
                        .isEqualTo(va.hash(a.t("ck"), shape, shape.columnNames(), r));
            }
            assertThat(vb.rows(b.t("ck"), shape, shape.columnNames(), KeyRange.ALL, 2000))
                    .containsExactlyInAnyOrderElementsOf(va.rows(a.t("ck"), shape, shape.columnNames(), KeyRange.ALL, 2000));

            TableShape keyless = new TableShape(shape.columns(), List.of());
            assertThat(va.chunks(a.t("ck"), keyless, 150)).containsExactly(KeyRange.ALL);
            assertThat(va.rows(a.t("ck"), keyless, keyless.columnNames(), KeyRange.ALL, 5))
                    .hasSize(5).allSatisfy(r -> assertThat(r.key()).isEmpty());
        }
    }

    @Test
    void thousandsOfCompositeKeysAreLookedUpInBatches() {
        Side a = side(source);
        try (a) {
            DataValidation va = a.validation();
            TableShape ck = a.shape("ck");
            Map<List<String>, String> all = a.rows("ck");
            assertThat(all).hasSize(1000);
            List<List<String>> keys = new java.util.ArrayList<>(all.keySet());
            keys.add(List.of("r1", "no such code"));
            List<RowHash> found = va.rows(a.t("ck"), ck, ck.columnNames(), keys);
            assertThat(found).hasSize(1000);
            for (RowHash r : found) {
                assertThat(r.hash()).isEqualTo(all.get(r.key()));
            }
        }
    }

    @Test
    void aTableLockedByAnotherSessionFailsFastAndAMissingTableIsNotFound() throws Exception {
        Side a = side(source);
        try (a; java.sql.Connection locker = a.db().open(); java.sql.Statement s = locker.createStatement()) {
            DataValidation va = a.validation();
            TableShape bk = a.shape("bk");
            s.execute("LOCK TABLES bk WRITE");
            long start = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> va.hash(a.t("bk"), bk, bk.columnNames(), KeyRange.ALL))
                    .isInstanceOf(dev.ferry.core.FerryException.class).hasMessageContaining("Lock wait timeout");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
            s.execute("UNLOCK TABLES");
            assertThat(va.hash(a.t("bk"), bk, bk.columnNames(), KeyRange.ALL).rows()).isEqualTo(1003);

            a.db().execute("DROP TABLE bk");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> va.hash(a.t("bk"), bk, bk.columnNames(), KeyRange.ALL))
                    .isInstanceOfSatisfying(dev.ferry.core.FerryException.class,
                            e -> assertThat(e.code()).isEqualTo(dev.ferry.core.ErrorCode.NOT_FOUND));
            assertThat(va.shape(a.t("bk"))).isEmpty();
        }
    }

    @Test
    void aDdlWaitingForALongHashGetsThroughAndTheHashIsReadAgain() throws Exception {
        TestDatabase db = source.freshDatabase();
        // Rows cheap to write and dear to hash (ten timestamps printed each): about 5 s here.
        db.execute("CREATE TABLE big (id INT PRIMARY KEY, v INT NOT NULL"
                        + java.util.stream.IntStream.range(0, 10).mapToObj(i -> ", t" + i + " DATETIME(6)")
                                .collect(java.util.stream.Collectors.joining()) + ") ENGINE=InnoDB",
                "INSERT INTO big SELECT seq, seq % 1000" + ", t".repeat(10) + " FROM (SELECT seq, TIMESTAMP "
                        + "'2020-01-01 00:00:00' + INTERVAL seq SECOND AS t FROM seq_1_to_2500000) AS s");
        TableRef big = new TableRef(db.name(), "big");
        try (DataValidation v = engine.openValidation(db.connection(), db.name(), 1)) {
            TableShape shape = v.shape(big).orElseThrow();
            long start = System.nanoTime();
            ChunkHash expected = v.hash(big, shape, shape.columnNames(), KeyRange.ALL);
            Duration alone = Duration.ofNanos(System.nanoTime() - start);
            assertThat(expected.rows()).isEqualTo(2_500_000);
            assertThat(alone).as("one hash of the whole table takes long enough to wait for").isGreaterThan(Duration.ofSeconds(3));

            var hashing = CompletableFuture.supplyAsync(() -> v.hash(big, shape, shape.columnNames(), KeyRange.ALL));
            await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                    + "WHERE DB = DATABASE() AND COMMAND = 'Query' AND INFO LIKE '%CRC32%' AND ID <> CONNECTION_ID()") == 1);
            long ddlStart = System.nanoTime();
            db.execute("ALTER TABLE big ADD COLUMN added INT");
            Duration ddl = Duration.ofNanos(System.nanoTime() - ddlStart);
            assertThat(hashing).as("the hash was still running when the DDL got through").isNotDone();
            assertThat(ddl).as("the DDL waited at most about the lock wait, not for the %s hash", alone)
                    .isLessThan(Duration.ofMillis(2_500)).isLessThan(alone.dividedBy(2));
            assertThat(hashing.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            LoggerFactory.getLogger(MySqlDataValidationIT.class).atInfo().addKeyValue("hashMillis", alone.toMillis())
                    .addKeyValue("ddlMillis", ddl.toMillis()).log("a DDL got through a running validation hash");
        }
    }

    @Test
    void aWrongPasswordIsUnauthenticatedWithoutThePassword() {
        TestDatabase db = source.freshDatabase();
        var wrong = db.connection().withPassword(dev.ferry.core.Secret.of("wrong-pass-4711"));
        try (DataValidation v = engine.openValidation(wrong, db.name(), 1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.shape(new TableRef(db.name(), "t")))
                    .isInstanceOfSatisfying(dev.ferry.core.FerryException.class,
                            e -> assertThat(e.code()).isEqualTo(dev.ferry.core.ErrorCode.UNAUTHENTICATED))
                    .hasMessageNotContaining("wrong-pass-4711");
        }
    }

    private static Map<String, Long> renamed(Map<String, Long> values, Side side) {
        Map<String, Long> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k.replace(" " + side.db().name() + ".", " DB."), v));
        return out;
    }

    private static Set<List<String>> differing(Map<List<String>, String> a, Map<List<String>, String> b) {
        Set<List<String>> keys = new HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        keys.removeIf(k -> java.util.Objects.equals(a.get(k), b.get(k)));
        return keys;
    }
}
