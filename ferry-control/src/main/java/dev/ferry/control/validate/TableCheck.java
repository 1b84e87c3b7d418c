package dev.ferry.control.validate;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation.RowDifference;
import dev.ferry.core.spi.validate.ChunkHash;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.RowHash;
import dev.ferry.core.spi.validate.TableShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Compares one table's key ranges on both servers. Equal hashes end a range; a range whose hashes differ is split (on
 * the source's key distribution) until a part holds few enough rows to list them by key and hash on both sides, which
 * names the missing, extra and different rows. Without replication both sides are read at once. While the job
 * replicates, the destination is read only after replication applied what the source held when its side was read, and
 * the differing rows are read again, source first, until the difference holds still (reported) or the re-checks run
 * out (inconclusive): a change in flight is never reported as a difference, nor a range that keeps changing as clean.
 * Thread-safe: ranges are compared in parallel.
 */
final class TableCheck {
    /** How many parts a range whose hashes differ is split into. */
    static final int SPLIT_PARTS = 8;
    /** A differing range with at most this many rows is listed row by row instead of split further. */
    static final int LEAF_ROWS = 2_000;
    /** A range listed row by row that holds more rows than this (no key to split by) is only counted. */
    static final int MAX_LISTED_ROWS = 200_000;
    /** How many times differing rows are read again while the job replicates before they are called inconclusive. */
    static final int RECHECKS = 4;
    /** How long a comparison waits for replication to apply what the source held. */
    static final Duration APPLY_WAIT = Duration.ofSeconds(60);

    private final String database;
    private final TableRef table;
    private final TableShape shape;
    private final List<String> columns;
    private final DataValidation source;
    private final DataValidation destination;
    private final ReplicationClock clock;
    private final RowThrottle throttle;
    private final ExecutorService sideThreads;

    TableCheck(String database, TableRef table, TableShape shape, List<String> columns, DataValidation source,
            DataValidation destination, ReplicationClock clock, RowThrottle throttle, ExecutorService sideThreads) {
        this.database = database;
        this.table = table;
        this.shape = shape;
        this.columns = List.copyOf(columns);
        this.source = source;
        this.destination = destination;
        this.clock = clock;
        this.throttle = throttle;
        this.sideThreads = sideThreads;
    }

    /** How a range compared: its rows on the source, and the differing rows found (keyed by row key). */
    record Outcome(Kind kind, long rows, Map<List<String>, Pair> rowsDiffering, List<RowDifference> counted, String note) {
        enum Kind { CLEAN, DIFFERENT, INCONCLUSIVE }

        static Outcome clean(long rows) {
            return new Outcome(Kind.CLEAN, rows, Map.of(), List.of(), null);
        }
    }

    /** A row's hash on the source and on the destination (null where the row is absent). */
    record Pair(String source, String destination) {}

    Outcome compare(KeyRange range) throws InterruptedException {
        return compare(range, null);
    }

    /** What {@link #compare(KeyRange, ChunkHash[])} is given for a range whose destination side could not be read in time. */
    static final ChunkHash[] NOT_APPLIED = new ChunkHash[0];

    /**
     * Compares {@code range}, whose hashes on both sides {@code known} were read already by {@link #hashBoth(List)}
     * ({@link #NOT_APPLIED} when replication did not get there in time; null: read them now).
     */
    Outcome compare(KeyRange range, ChunkHash[] known) throws InterruptedException {
        ChunkHash[] h = known == NOT_APPLIED ? null : known != null ? known : hashBoth(range);
        if (h == null) {
            return inconclusive(0, Map.of(), waitedTooLong());
        }
        long rows = h[0].rows();
        if (same(h)) {
            return Outcome.clean(rows);
        }
        for (int attempt = 0; ; attempt++) {
            Drill found = new Drill();
            drill(range, h, 0, found);
            if (found.note != null && found.rows.isEmpty() && found.counted.isEmpty()) {
                return clock == null ? new Outcome(Outcome.Kind.DIFFERENT, rows, Map.of(), List.of(), found.note)
                        : inconclusive(rows, Map.of(), found.note);
            }
            if (clock == null) {
                if (found.rows.isEmpty() && found.counted.isEmpty()) {
                    // The hashes differed, the rows read just after did not: the data moved in between.
                    return inconclusive(rows, Map.of(), "the range changed while it was read; validate again once "
                            + "nothing writes to the destination or the source");
                }
                return new Outcome(Outcome.Kind.DIFFERENT, rows, found.rows, found.counted, found.note);
            }
            if (!found.rows.isEmpty()) {
                return recheck(rows, found.rows);
            }
            if (!found.counted.isEmpty()) {
                return recheckWhole(range, rows, found);
            }
            // Nothing found below: the range moved between the reads. Compare it again while re-checks last.
            if (attempt + 1 >= RECHECKS) {
                return inconclusive(rows, Map.of(), "the range kept changing through %d re-checks".formatted(RECHECKS));
            }
            h = hashBoth(range);
            if (h == null) {
                return inconclusive(rows, Map.of(), waitedTooLong());
            }
            if (same(h)) {
                return Outcome.clean(h[0].rows());
            }
        }
    }

    /** Rows (by key) or counts (without a key) found to differ under a range. */
    private static final class Drill {
        final Map<List<String>, Pair> rows = new LinkedHashMap<>();
        final List<RowDifference> counted = new ArrayList<>();
        String note;
    }

    private void drill(KeyRange range, ChunkHash[] h, int depth, Drill found) throws InterruptedException {
        if (shape.keyed() && Math.max(h[0].rows(), h[1].rows()) > LEAF_ROWS && depth < 24) {
            List<KeyRange> parts = source.split(table, shape, range, SPLIT_PARTS);
            if (parts.size() > 1) {
                List<ChunkHash[]> hashes = hashBoth(parts);
                if (hashes == null) {
                    found.note = waitedTooLong();
                    return;
                }
                for (int i = 0; i < parts.size(); i++) {
                    if (!same(hashes.get(i))) {
                        drill(parts.get(i), hashes.get(i), depth + 1, found);
                    }
                }
                return;
            }
        }
        // Room for rows inserted meanwhile: under replication the range may grow between its hash and its listing.
        int limit = shape.keyed()
                ? (int) Math.min(MAX_LISTED_ROWS, Math.max(LEAF_ROWS, 2 * Math.max(h[0].rows(), h[1].rows()) + 1_000))
                : MAX_LISTED_ROWS;
        List<RowHash> s = source.rows(table, shape, columns, range, limit + 1);
        if (!awaitApplied()) {
            found.note = waitedTooLong();
            return;
        }
        List<RowHash> d = destination.rows(table, shape, columns, range, limit + 1);
        throttle.spent(s.size() + d.size());
        if (s.size() > limit || d.size() > limit) {
            found.note = ("%s rows on the source and %s on the destination differ in range %s, more than the %d that "
                    + "can be listed one by one").formatted(h[0].rows(), h[1].rows(), range, limit);
            return;
        }
        if (shape.keyed()) {
            found.rows.putAll(differing(s, d));
        } else {
            found.counted.addAll(multiset(s, d));
        }
    }

    /**
     * Reads the differing rows again until they hold still, vanish, or the re-checks run out. Each round reads the
     * source, the destination once replication caught up with it, and the source again: a destination row equal to
     * any source read so far holds a value the source held (replication is merely behind or ahead), so it is not a
     * difference. A difference that is the same in two rounds in a row is reported.
     */
    private Outcome recheck(long rows, Map<List<String>, Pair> found) throws InterruptedException {
        Map<List<String>, Pair> previous = found;
        // Every value each row had on the source at one of the reads, across rounds: a row written many times a second
        // can change twice within one round, and the destination then shows a value the source held between the
        // reads of an earlier round. A value the source never held (a real difference) is never in the set.
        Map<List<String>, Set<String>> held = new HashMap<>();
        for (int round = 0; round < RECHECKS; round++) {
            List<List<String>> keys = new ArrayList<>(previous.keySet());
            Map<List<String>, String> before = byKey(source.rows(table, shape, columns, keys));
            if (!awaitApplied()) {
                return inconclusive(rows, previous, waitedTooLong());
            }
            Map<List<String>, String> onDestination = byKey(destination.rows(table, shape, columns, keys));
            Map<List<String>, String> after = byKey(source.rows(table, shape, columns, keys));
            Map<List<String>, Pair> now = new LinkedHashMap<>();
            for (List<String> key : keys) {
                String d = onDestination.get(key);
                Set<String> values = held.computeIfAbsent(key, k -> new HashSet<>());
                values.add(String.valueOf(before.get(key)));
                values.add(String.valueOf(after.get(key)));
                if (values.contains(String.valueOf(d))) {
                    continue;
                }
                now.put(key, new Pair(after.get(key), d));
            }
            if (now.isEmpty()) {
                return Outcome.clean(rows);
            }
            if (now.equals(previous)) {
                return new Outcome(Outcome.Kind.DIFFERENT, rows, now, List.of(), null);
            }
            previous = now;
        }
        return inconclusive(rows, previous, "%d row(s) kept changing through %d re-checks".formatted(previous.size(), RECHECKS));
    }

    private static Map<List<String>, String> byKey(List<RowHash> rows) {
        Map<List<String>, String> out = new HashMap<>();
        rows.forEach(r -> out.put(r.key(), r.hash()));
        return out;
    }

    /** A table without a key: the whole range is compared again until the difference holds still. */
    private Outcome recheckWhole(KeyRange range, long rows, Drill found) throws InterruptedException {
        List<RowDifference> previous = found.counted;
        for (int round = 0; round < RECHECKS; round++) {
            ChunkHash[] h = hashBoth(range);
            if (h == null) {
                return inconclusive(rows, Map.of(), waitedTooLong());
            }
            if (same(h)) {
                return Outcome.clean(h[0].rows());
            }
            Drill again = new Drill();
            drill(range, h, 0, again);
            if (again.counted.equals(previous)) {
                return new Outcome(Outcome.Kind.DIFFERENT, rows, Map.of(), again.counted, again.note);
            }
            previous = again.counted;
        }
        return inconclusive(rows, Map.of(), "rows kept changing through %d re-checks".formatted(RECHECKS));
    }

    private static Outcome inconclusive(long rows, Map<List<String>, Pair> differing, String note) {
        return new Outcome(Outcome.Kind.INCONCLUSIVE, rows, differing, List.of(), note);
    }

    private static String waitedTooLong() {
        return "replication did not apply the source's changes within %ds, so the destination could not be read at the "
                .formatted(APPLY_WAIT.toSeconds()) + "same point";
    }

    /**
     * Both sides' hashes of a range: read at once when nothing replicates; else the source first, then the destination
     * once replication applied what the source held. Null when replication did not get there in time.
     */
    private ChunkHash[] hashBoth(KeyRange range) throws InterruptedException {
        List<ChunkHash[]> both = hashBoth(List.of(range));
        return both == null ? null : both.getFirst();
    }

    /**
     * {@link #hashBoth(KeyRange)} of contiguous ranges, each side's read together ({@link DataValidation#hashRanges}):
     * at once on both sides when nothing replicates; else the source's, then one wait for replication (not one wait
     * per range), then the destination's. Null when replication did not get there in time.
     */
    List<ChunkHash[]> hashBoth(List<KeyRange> ranges) throws InterruptedException {
        List<ChunkHash> s;
        List<ChunkHash> d;
        if (clock == null) {
            CompletableFuture<List<ChunkHash>> other = CompletableFuture.supplyAsync(
                    () -> destination.hashRanges(table, shape, columns, ranges), sideThreads);
            s = source.hashRanges(table, shape, columns, ranges);
            d = join(other);
        } else {
            s = source.hashRanges(table, shape, columns, ranges);
            if (!awaitApplied()) {
                return null;
            }
            d = destination.hashRanges(table, shape, columns, ranges);
        }
        List<ChunkHash[]> out = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            throttle.spent(Math.max(s.get(i).rows(), d.get(i).rows()));
            out.add(new ChunkHash[] {s.get(i), d.get(i)});
        }
        return out;
    }

    private boolean awaitApplied() throws InterruptedException {
        return clock == null || clock.awaitApplied(database, clock.head(database), APPLY_WAIT);
    }

    private static <T> T join(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static boolean same(ChunkHash[] h) {
        return h[0].rows() == h[1].rows() && Objects.equals(h[0].hash(), h[1].hash());
    }

    private static Map<List<String>, Pair> differing(List<RowHash> s, List<RowHash> d) {
        Map<List<String>, String> onDestination = new HashMap<>();
        for (RowHash r : d) {
            onDestination.put(r.key(), r.hash());
        }
        Map<List<String>, Pair> out = new LinkedHashMap<>();
        for (RowHash r : s) {
            String other = onDestination.remove(r.key());
            if (!r.hash().equals(other)) {
                out.put(r.key(), new Pair(r.hash(), other));
            }
        }
        onDestination.forEach((k, v) -> out.put(k, new Pair(null, v)));
        return out;
    }

    /** Rows of a keyless range as a multiset by hash: how many the destination lacks and how many it has too many. */
    private static List<RowDifference> multiset(List<RowHash> s, List<RowHash> d) {
        Map<String, Long> count = new HashMap<>();
        s.forEach(r -> count.merge(r.hash(), 1L, Long::sum));
        d.forEach(r -> count.merge(r.hash(), -1L, Long::sum));
        long missing = count.values().stream().filter(c -> c > 0).mapToLong(Long::longValue).sum();
        long extra = -count.values().stream().filter(c -> c < 0).mapToLong(Long::longValue).sum();
        List<RowDifference> out = new ArrayList<>();
        if (missing > 0) {
            out.add(new RowDifference(RowDifference.Kind.MISSING, List.of(), missing));
        }
        if (extra > 0) {
            out.add(new RowDifference(RowDifference.Kind.EXTRA, List.of(), extra));
        }
        return out;
    }

    /** A differing row as reported: its kind and {@code column=value} key pairs. */
    RowDifference describe(List<String> key, Pair pair) {
        RowDifference.Kind kind = pair.destination() == null ? RowDifference.Kind.MISSING
                : pair.source() == null ? RowDifference.Kind.EXTRA : RowDifference.Kind.DIFFERENT;
        List<String> named = new ArrayList<>(key.size());
        for (int i = 0; i < key.size(); i++) {
            named.add((i < shape.key().size() ? shape.key().get(i) : "key" + i) + "=" + key.get(i));
        }
        return new RowDifference(kind, named, 1);
    }
}
