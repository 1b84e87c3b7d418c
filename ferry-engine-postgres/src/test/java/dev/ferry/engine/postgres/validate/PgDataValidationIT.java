package dev.ferry.engine.postgres.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.validate.ChunkHash;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.RowHash;
import dev.ferry.core.spi.validate.TableShape;
import dev.ferry.engine.postgres.PostgresEngineProvider;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Validation on real servers: two databases filled alike hash alike range by range, and a changed, deleted or
 * inserted row is found by its key; splits cover their range; keyless tables compare as multisets.
 */
@Timeout(180)
class PgDataValidationIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    private static final TableRef ALL_TYPES = new TableRef("public", "all_types");
    private static final TableRef PAIRS = new TableRef("public", "pairs");
    private static final TableRef BAG = new TableRef("public", "bag");

    private final Engine engine = new PostgresEngineProvider().create();

    @Test
    void equalDataHashesAlikeInEveryRangeAndRangesCoverEveryRow() {
        var a = filled(pg);
        var b = filled(pg);
        try (var va = open(a); var vb = open(b)) {
            for (TableRef t : List.of(ALL_TYPES, PAIRS, BAG)) {
                TableShape shape = va.shape(t).orElseThrow();
                assertThat(vb.shape(t)).contains(shape);
                List<KeyRange> chunks = va.chunks(t, shape, 100);
                long rows = 0;
                for (KeyRange r : chunks) {
                    ChunkHash ha = va.hash(t, shape, shape.columnNames(), r);
                    assertThat(vb.hash(t, shape, shape.columnNames(), r)).as("%s %s", t, r).isEqualTo(ha);
                    rows += ha.rows();
                }
                assertThat(rows).isEqualTo(count(a, t));
                assertThat(chunks.getFirst().from()).isNull();
                assertThat(chunks.getLast().to()).isNull();
            }
            assertThat(va.shape(ALL_TYPES).orElseThrow().key()).containsExactly("id");
            assertThat(va.shape(PAIRS).orElseThrow().key()).containsExactly("a", "b");
            assertThat(va.shape(BAG).orElseThrow().keyed()).isFalse();
            assertThat(va.chunks(ALL_TYPES, va.shape(ALL_TYPES).orElseThrow(), 100)).hasSizeGreaterThan(1);
            assertThat(va.chunks(PAIRS, va.shape(PAIRS).orElseThrow(), 100)).hasSizeGreaterThanOrEqualTo(30);
            assertThat(va.bytesRead()).isPositive();
            for (TableRef t : List.of(ALL_TYPES, PAIRS, BAG)) {
                TableShape shape = va.shape(t).orElseThrow();
                KeyRange r = va.chunks(t, shape, 100).getFirst();
                var sum = va.rows(t, shape, shape.columnNames(), r, 100_000).stream()
                        .map(row -> new java.math.BigInteger(row.hash())).reduce(java.math.BigInteger.ZERO,
                                java.math.BigInteger::add);
                assertThat(sum.toString()).as("row hashes of %s add up to the range hash", t)
                        .isEqualTo(va.hash(t, shape, shape.columnNames(), r).hash());
            }
        }
    }

    @Test
    void changedDeletedAndInsertedRowsArePinpointedByKey() {
        var a = filled(pg);
        var b = filled(pg);
        b.execute("UPDATE public.all_types SET c_jsonb = c_jsonb || '{\"changed\": true}' WHERE id = 77",
                "DELETE FROM public.pairs WHERE a = 'k 3' AND b = 'b3'",
                "INSERT INTO public.pairs VALUES ('k 3', 'b3x', 1, NULL)",
                "UPDATE public.pairs SET note = NULL WHERE a = 'k 5, \"q\"' AND b = 'b5'");
        try (var va = open(a); var vb = open(b)) {
            assertThat(differingKeys(va, vb, ALL_TYPES)).containsExactly(List.of("77"));
            assertThat(differingKeys(va, vb, PAIRS)).containsExactlyInAnyOrder(List.of("k 3", "b3"),
                    List.of("k 3", "b3x"), List.of("k 5, \"q\"", "b5"));

            TableShape shape = va.shape(PAIRS).orElseThrow();
            List<List<String>> keys = new ArrayList<>();
            IntStream.rangeClosed(1, 3000).forEach(g -> keys.add(List.of("k " + g % 37 + (g % 5 == 0 ? ", \"q\"" : ""),
                    "b" + g)));
            keys.add(List.of("k 3", "b3x"));
            keys.add(List.of("nobody", "nothing"));
            Map<List<String>, String> onA = byKey(va.rows(PAIRS, shape, shape.columnNames(), keys));
            Map<List<String>, String> onB = byKey(vb.rows(PAIRS, shape, shape.columnNames(), keys));
            assertThat(onA).hasSize(3000).doesNotContainKey(List.of("k 3", "b3x"));
            assertThat(onB).hasSize(3000).containsKey(List.of("k 3", "b3x")).doesNotContainKey(List.of("k 3", "b3"));
            assertThat(onA.get(List.of("k 7", "b7"))).isEqualTo(onB.get(List.of("k 7", "b7")));
            assertThat(onA.get(List.of("k 5, \"q\"", "b5"))).isNotEqualTo(onB.get(List.of("k 5, \"q\"", "b5")));
        }
    }

    @Test
    void splitRangesCoverExactlyTheRowsOfTheirParent() {
        var a = filled(pg);
        try (var v = open(a)) {
            for (TableRef t : List.of(ALL_TYPES, PAIRS)) {
                TableShape shape = v.shape(t).orElseThrow();
                List<KeyRange> chunks = v.chunks(t, shape, 500);
                for (KeyRange parent : List.of(chunks.getFirst(), chunks.get(chunks.size() / 2), chunks.getLast(),
                        KeyRange.ALL)) {
                    List<KeyRange> parts = v.split(t, shape, parent, 4);
                    assertThat(parts).as("%s %s", t, parent).hasSizeBetween(2, 4);
                    assertThat(parts.getFirst().from()).isEqualTo(parent.from());
                    assertThat(parts.getLast().to()).isEqualTo(parent.to());
                    for (int i = 1; i < parts.size(); i++) {
                        assertThat(parts.get(i).from()).isEqualTo(parts.get(i - 1).to());
                    }
                    long sum = parts.stream().mapToLong(p -> v.hash(t, shape, shape.columnNames(), p).rows()).sum();
                    assertThat(sum).isEqualTo(v.hash(t, shape, shape.columnNames(), parent).rows());
                }
            }
            TableShape bag = v.shape(BAG).orElseThrow();
            assertThat(v.split(BAG, bag, KeyRange.ALL, 4)).containsExactly(KeyRange.ALL);
        }
    }

    @Test
    void rangesHashedInOnePassEqualTheirHashesOneByOne() {
        var a = filled(pg);
        a.execute("CREATE TABLE sparse (id bigint PRIMARY KEY, v text)",
                "INSERT INTO sparse SELECT g, 'v' || g FROM generate_series(-5000, 5000) g WHERE g NOT BETWEEN 100 AND 2600",
                "ANALYZE sparse");
        TableRef sparse = new TableRef("public", "sparse");
        try (var v = open(a)) {
            for (TableRef t : List.of(sparse, ALL_TYPES, PAIRS)) {
                TableShape shape = v.shape(t).orElseThrow();
                List<KeyRange> chunks = v.chunks(t, shape, 100);
                assertThat(chunks).as("%s", t).hasSizeGreaterThan(2);
                List<ChunkHash> oneByOne = chunks.stream().map(r -> v.hash(t, shape, shape.columnNames(), r)).toList();
                assertThat(v.hashRanges(t, shape, shape.columnNames(), chunks)).as("%s", t).isEqualTo(oneByOne);
                // A run of ranges inside the table (closed outer bounds), and one past the last key.
                List<KeyRange> inner = chunks.subList(1, chunks.size() - 1);
                assertThat(v.hashRanges(t, shape, shape.columnNames(), inner)).isEqualTo(oneByOne.subList(1, chunks.size() - 1));
            }
            TableShape shape = v.shape(sparse).orElseThrow();
            List<KeyRange> gap = List.of(new KeyRange(List.of("0"), List.of("1000")), new KeyRange(List.of("1000"), List.of("2000")),
                    new KeyRange(List.of("2000"), null));
            assertThat(v.hashRanges(sparse, shape, shape.columnNames(), gap))
                    .extracting(ChunkHash::rows).containsExactly(100L, 0L, 2400L);
            assertThat(v.hashRanges(sparse, shape, shape.columnNames(), gap).get(1))
                    .isEqualTo(v.hash(sparse, shape, shape.columnNames(), gap.get(1)));
        }
    }

    @Test
    void keylessTablesCompareAsMultisetsAndNullDiffersFromEmptyAndNullText() {
        var a = filled(pg);
        var b = filled(pg);
        try (var va = open(a); var vb = open(b)) {
            TableShape shape = va.shape(BAG).orElseThrow();
            List<String> columns = shape.columnNames();
            List<RowHash> odd = va.rows(BAG, shape, columns, KeyRange.ALL, 10_000).stream()
                    .filter(r -> r.key().isEmpty()).toList();
            assertThat(odd).hasSize(2004);
            Set<String> specials = new HashSet<>(va.rows(BAG, shape, List.of("v"), KeyRange.ALL, 10_000).stream()
                    .map(RowHash::hash).toList());
            assertThat(specials).as("v NULL, '', 'NULL' and v0..v9").hasSize(13);

            // One duplicate fewer, then one more of another row: same count, different multiset.
            b.execute("DELETE FROM public.bag WHERE ctid = (SELECT min(ctid) FROM public.bag WHERE v = 'v1' AND n = 1)");
            ChunkHash ha = va.hash(BAG, shape, columns, KeyRange.ALL);
            ChunkHash fewer = vb.hash(BAG, shape, columns, KeyRange.ALL);
            assertThat(fewer.rows()).isEqualTo(ha.rows() - 1);
            b.execute("INSERT INTO public.bag VALUES ('v2', 2)");
            ChunkHash other = vb.hash(BAG, shape, columns, KeyRange.ALL);
            assertThat(other.rows()).isEqualTo(ha.rows());
            assertThat(other.hash()).isNotEqualTo(ha.hash());
            b.execute("DELETE FROM public.bag WHERE ctid = (SELECT min(ctid) FROM public.bag WHERE v = 'v2' AND n = 2)",
                    "INSERT INTO public.bag VALUES ('v1', 1)");
            assertThat(vb.hash(BAG, shape, columns, KeyRange.ALL)).isEqualTo(ha);
        }
    }

    @Test
    void aDdlWaitingForALongHashGetsThroughAndTheHashIsReadAgain() throws Exception {
        var a = pg.freshDatabase();
        // Rows cheap to write and dear to hash (30 timestamps printed each), read by one process: about 5 s here.
        String columns = IntStream.range(0, 30).mapToObj(i -> ", t" + i + " timestamptz").collect(Collectors.joining());
        String values = IntStream.range(0, 30).mapToObj(i -> ", t").collect(Collectors.joining());
        a.execute("CREATE UNLOGGED TABLE public.big (id int NOT NULL" + columns + ") WITH (parallel_workers = 0)",
                "INSERT INTO public.big SELECT g" + values + " FROM (SELECT g, timestamptz '2020-01-01 00:00:00+00' "
                        + "+ g * interval '1.5 s' AS t FROM generate_series(1, 1200000) AS g) AS s",
                "VACUUM ANALYZE public.big");
        TableRef big = new TableRef("public", "big");
        try (var v = engine.openValidation(a.connection(), a.name(), 1)) {
            TableShape shape = v.shape(big).orElseThrow();
            long start = System.nanoTime();
            ChunkHash expected = v.hash(big, shape, shape.columnNames(), KeyRange.ALL);
            Duration alone = Duration.ofNanos(System.nanoTime() - start);
            assertThat(expected.rows()).isEqualTo(1_200_000);
            assertThat(alone).as("one hash of the whole table takes long enough to wait for").isGreaterThan(Duration.ofSeconds(3));

            var hashing = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> v.hash(big, shape, shape.columnNames(), KeyRange.ALL));
            await().atMost(Duration.ofSeconds(30)).until(() -> a.queryLong("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE state = 'active' AND query LIKE '%hashtextextended%' AND datname = current_database() "
                    + "AND pid <> pg_backend_pid()") == 1);
            long ddlStart = System.nanoTime();
            a.execute("ALTER TABLE public.big ADD COLUMN added int");
            Duration ddl = Duration.ofNanos(System.nanoTime() - ddlStart);
            assertThat(hashing).as("the hash was still running when the DDL got through").isNotDone();
            assertThat(ddl).as("the DDL waited at most about the lock wait, not for the %s hash", alone)
                    .isLessThan(Duration.ofMillis(2_500)).isLessThan(alone.dividedBy(2));
            assertThat(hashing.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(expected);
            org.slf4j.LoggerFactory.getLogger(PgDataValidationIT.class).atInfo().addKeyValue("hashMillis", alone.toMillis())
                    .addKeyValue("ddlMillis", ddl.toMillis()).log("a DDL got through a running validation hash");
        }
    }

    @Test
    void aLargeKeylessTableIsCutByAnIndexedColumnAndAChangedRowIsFoundInOneRange() {
        TableRef events = new TableRef("public", "events");
        var a = pg.freshDatabase();
        var b = pg.freshDatabase();
        for (var db : List.of(a, b)) {
            // The same rows on both sides, written in opposite orders: they lie in different pages.
            db.execute("CREATE TABLE public.events (n int, note text)", "CREATE INDEX events_n ON public.events (n)",
                    "INSERT INTO public.events SELECT g / 3, 'e' || g FROM generate_series(1, 300000) AS g ORDER BY g "
                            + (db == a ? "ASC" : "DESC"),
                    "INSERT INTO public.events VALUES (NULL, 'no n'), (NULL, 'no n')", "ANALYZE public.events");
        }
        b.execute("UPDATE public.events SET note = 'changed' WHERE note = 'e150001'");
        try (var va = open(a); var vb = open(b)) {
            TableShape shape = va.shape(events).orElseThrow();
            assertThat(shape.keyed()).isFalse();
            List<String> columns = shape.columnNames();
            List<KeyRange> chunks = va.chunks(events, shape, 50_000);
            assertThat(chunks).hasSizeBetween(5, 8);
            assertThat(chunks.getFirst().from()).isNull();
            assertThat(chunks.getLast().to()).isNull();
            assertThat(vb.chunks(events, shape, 50_000)).as("ranges follow the data, not where it lies").isEqualTo(chunks);
            assertThat(va.split(events, shape, chunks.getFirst(), 4)).containsExactly(chunks.getFirst());

            long rows = 0;
            List<KeyRange> differing = new ArrayList<>();
            for (KeyRange r : chunks) {
                ChunkHash ha = va.hash(events, shape, columns, r);
                rows += ha.rows();
                if (!ha.equals(vb.hash(events, shape, columns, r))) {
                    differing.add(r);
                }
            }
            assertThat(rows).as("every row in one range, the NULLs too").isEqualTo(300_002);
            assertThat(differing).hasSize(1);

            KeyRange r = differing.getFirst();
            List<String> onA = va.rows(events, shape, columns, r, 200_001).stream().map(RowHash::hash).toList();
            List<String> onB = vb.rows(events, shape, columns, r, 200_001).stream().map(RowHash::hash).toList();
            assertThat(onA).hasSizeLessThan(60_000).hasSameSizeAs(onB);
            Map<String, Long> difference = new HashMap<>();
            onA.forEach(h -> difference.merge(h, 1L, Long::sum));
            onB.forEach(h -> difference.merge(h, -1L, Long::sum));
            difference.values().removeIf(n -> n == 0);
            assertThat(difference).as("one row only on each side").hasSize(2).containsValues(1L, -1L);
            assertThat(va.rows(events, shape, List.of("note"), r, 200_001)).extracting(RowHash::key)
                    .containsOnly(List.of());
        }
    }

    @Test
    void sequencesReadAsTheNextValueAndDifferWhereTheyDiffer() {
        var a = filled(pg);
        var b = filled(pg);
        try (var va = open(a); var vb = open(b)) {
            Map<String, Long> sa = va.sequences(List.of());
            assertThat(sa).containsEntry("sequence public.ticket_seq", 1000L + 13 * 7)
                    .containsEntry("sequence public.called_once_seq", 42L)
                    .containsEntry("sequence public.all_types_id_seq", 253L);
            assertThat(vb.sequences(List.of())).isEqualTo(sa);
            b.execute("SELECT nextval('public.called_once_seq')", "CREATE SEQUENCE public.only_on_b");
            Map<String, Long> sb = vb.sequences(List.of());
            assertThat(sb).containsEntry("sequence public.called_once_seq", 43L).containsKey("sequence public.only_on_b");
            assertThat(sb.get("sequence public.ticket_seq")).isEqualTo(sa.get("sequence public.ticket_seq"));
        }
    }

    @Test
    void aMissingTableHasNoShapeAndMissingTablesOrColumnsAreNotFound() {
        var a = filled(pg);
        try (var v = open(a)) {
            TableShape shape = v.shape(PAIRS).orElseThrow();
            assertThat(v.shape(new TableRef("public", "nope"))).isEmpty();
            assertThatThrownBy(() -> v.hash(new TableRef("public", "nope"), shape, shape.columnNames(), KeyRange.ALL))
                    .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            a.execute("ALTER TABLE public.pairs ADD COLUMN added int DEFAULT 1");
            assertThat(v.hash(PAIRS, shape, List.of("a", "b", "added"), KeyRange.ALL).rows()).isEqualTo(3000);
            assertThatThrownBy(() -> v.hash(PAIRS, shape, List.of("a", "never"), KeyRange.ALL))
                    .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            a.execute("DROP TABLE public.pairs");
            assertThatThrownBy(() -> v.hash(PAIRS, shape, shape.columnNames(), KeyRange.ALL))
                    .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt() {
        var a = pg.freshDatabase();
        var wrong = a.connection().withPassword(new dev.ferry.core.Secret("not-the-password-42"));
        try (var v = engine.openValidation(wrong, a.name(), 1)) {
            assertThatThrownBy(() -> v.shape(PAIRS)).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                assertThat(e.getMessage()).doesNotContain("not-the-password-42");
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"13", "17"})
    @Tag("network")
    void theSameDataHashesAlikeOnAnotherMajorVersion(String major) {
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql/" + major + "/bin")) || mavenCentralReachable(),
                "PostgreSQL " + major + " is not installed and Maven Central is unreachable: skipping");
        var other = LocalPostgres.sharedVersion(major);
        var a = filled(pg);
        var b = filled(other);
        try (var va = open(a); var vb = open(b)) {
            for (TableRef t : List.of(ALL_TYPES, PAIRS, BAG)) {
                TableShape sa = va.shape(t).orElseThrow();
                Set<String> onB = new HashSet<>(vb.shape(t).orElseThrow().columnNames());
                // As the caller does: the columns both sides have (13 lacks multiranges).
                List<String> columns = sa.columnNames().stream().filter(onB::contains).toList();
                List<KeyRange> chunks = va.chunks(t, sa, 100);
                for (KeyRange r : chunks) {
                    assertThat(vb.hash(t, sa, columns, r)).as("%s %s", t, r).isEqualTo(va.hash(t, sa, columns, r));
                }
                assertThat(vb.chunks(t, sa, 100)).isEqualTo(chunks);
                assertThat(vb.split(t, sa, chunks.get(chunks.size() / 2), 3))
                        .isEqualTo(va.split(t, sa, chunks.get(chunks.size() / 2), 3));
            }
            assertThat(vb.sequences(List.of())).isEqualTo(va.sequences(List.of()));
        }
    }

    private DataValidation open(TestDatabase db) {
        return engine.openValidation(db.connection(), db.name(), 2);
    }

    /** The keys whose rows differ between the two sides, found as the control plane does: ranges, then rows. */
    private static Set<List<String>> differingKeys(DataValidation va, DataValidation vb, TableRef t) {
        TableShape shape = va.shape(t).orElseThrow();
        List<String> columns = shape.columnNames();
        Set<List<String>> keys = new HashSet<>();
        List<KeyRange> mismatched = va.chunks(t, shape, 100).stream()
                .filter(r -> !va.hash(t, shape, columns, r).equals(vb.hash(t, shape, columns, r))).toList();
        assertThat(mismatched).as("ranges differing in %s", t).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        for (KeyRange r : mismatched) {
            Map<List<String>, String> ra = byKey(va.rows(t, shape, columns, r, 1000));
            Map<List<String>, String> rb = byKey(vb.rows(t, shape, columns, r, 1000));
            Set<List<String>> all = new HashSet<>(ra.keySet());
            all.addAll(rb.keySet());
            all.stream().filter(k -> !java.util.Objects.equals(ra.get(k), rb.get(k))).forEach(keys::add);
        }
        return keys;
    }

    private static Map<List<String>, String> byKey(List<RowHash> rows) {
        Map<List<String>, String> map = new HashMap<>();
        rows.forEach(r -> assertThat(map.put(r.key(), r.hash())).as("key %s twice", r.key()).isNull());
        return map;
    }

    private static long count(TestDatabase db, TableRef t) {
        return db.queryLong("SELECT count(*) FROM " + dev.ferry.core.Dialect.POSTGRESQL.quote(t.schema(), t.table()));
    }

    private static TestDatabase filled(LocalPostgres server) {
        var db = server.freshDatabase();
        db.execute(resource("validation-types.sql").split(";\n"));
        if (db.queryLong("SELECT current_setting('server_version_num')::int") >= 140000) {
            db.execute(resource("multirange.sql").split(";\n"));
        }
        return db;
    }

    private static String resource(String name) {
        try (InputStream in = PgDataValidationIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name, e);
        }
    }

    private static boolean mavenCentralReachable() {
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            var request = HttpRequest.newBuilder(URI.create("https://repo1.maven.org/maven2/"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

}
