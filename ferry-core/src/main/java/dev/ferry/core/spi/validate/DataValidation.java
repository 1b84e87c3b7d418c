package dev.ferry.core.spi.validate;

import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One server's side of validating the data of one database. Every value is hashed on the server in a canonical text
 * form (session settings fixed: UTC, ISO dates, full float precision, hex bytes), so equal values stored by two
 * servers of the same family, also of different major versions, hash alike, and rows never travel: a range costs one
 * short statement that returns a count and a hash. Reads are plain reads that never wait for or block writers beyond
 * the engine's lock-yielding rules (short statements, lock timeouts, yielding to sessions queued behind them).
 *
 * <p>Thread-safe: up to {@code sessions} (given when opened) calls run at once, each on its own server session; the
 * implementation opens them lazily and closes them on {@link #close}. Failures throw
 * {@link dev.ferry.core.FerryException} classified as the engine classifies any other (a missing table is
 * {@code NOT_FOUND}).
 */
public interface DataValidation extends AutoCloseable {

    /**
     * The table's columns and the key validation drills down by: the primary key, or else a unique key of NOT NULL
     * columns (the one with the fewest columns), or none. Empty when the table does not exist.
     */
    Optional<TableShape> shape(TableRef table);

    /**
     * Contiguous key ranges of about {@code rowsPerChunk} rows each, in key order, together covering every possible
     * key (the first unbounded below, the last above), so a row inserted after the plan still falls in one. Read
     * from the key's index without reading rows. One range ({@link KeyRange#ALL}) for a table with fewer rows than one
     * chunk, and for a table without a key unless the engine can cut it by content (ranges of an indexed column's
     * values, which hold the same rows on every server with the same data, never ranges of where rows lie on disk);
     * such ranges are read back only by the same engine.
     */
    List<KeyRange> chunks(TableRef table, TableShape shape, long rowsPerChunk);

    /**
     * Up to {@code parts} contiguous ranges that together cover {@code range} exactly (same outer bounds), with about
     * as many rows each; {@code range} itself when it cannot be split (no key, or one key value).
     */
    List<KeyRange> split(TableRef table, TableShape shape, KeyRange range, int parts);

    /**
     * The number of rows in {@code range} and an order-independent hash of them over {@code columns} (names of the
     * shape's columns, in this order), read now. Two servers give equal hashes exactly when the ranges hold the same
     * rows, up to hash collisions (64 bits at least).
     */
    ChunkHash hash(TableRef table, TableShape shape, List<String> columns, KeyRange range);

    /**
     * {@link #hash} of each of {@code ranges}, contiguous ranges in key order (each one's upper bound the next one's
     * lower bound, as {@link #chunks} and {@link #split} give them), in that order. An engine may read them in one
     * pass over the table (one scan grouping rows by range instead of one index range scan per range); this default
     * reads them one by one.
     */
    default List<ChunkHash> hashRanges(TableRef table, TableShape shape, List<String> columns, List<KeyRange> ranges) {
        return ranges.stream().map(r -> hash(table, shape, columns, r)).toList();
    }

    /**
     * The rows of {@code range}, at most {@code limit} of them (the caller asks one more than it can use to learn
     * that there were more), each as its key and its row hash over {@code columns} (the same hash function per row
     * as {@link #hash}), in any order. For a table without a key every row's key is empty.
     */
    List<RowHash> rows(TableRef table, TableShape shape, List<String> columns, KeyRange range, int limit);

    /** The rows with these keys that exist, as in {@link #rows(TableRef, TableShape, List, KeyRange, int)}. */
    List<RowHash> rows(TableRef table, TableShape shape, List<String> columns, List<List<String>> keys);

    /**
     * The current values of the database's sequences and auto-increment counters, by a readable name
     * ({@code sequence public.s}, {@code auto_increment shop.orders}), as the next value a new row would take or
     * the sequence's last value, the same kind on both sides.
     */
    Map<String, Long> sequences(List<TableRef> tables);

    /** Bytes received from the server by this validation so far (result sets, as the driver counts them or about). */
    long bytesRead();

    @Override
    void close();
}
