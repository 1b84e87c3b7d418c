package dev.ferry.engine.mysql.cdc;

import com.github.shyiko.mysql.binlog.GtidSet;
import dev.ferry.engine.mysql.Flavor;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GTID state reached so far in the stream, in the flavor's own text form: MariaDB's GTID position
 * ({@code domain-server-sequence} per domain, as {@code @@gtid_binlog_pos}) or MySQL's GTID set (as
 * {@code @@gtid_executed}). Mutable; not thread-safe.
 */
abstract sealed class GtidTracker permits GtidTracker.MariaDb, GtidTracker.MySql {

    static GtidTracker of(Flavor flavor, String text) {
        return flavor == Flavor.MARIADB ? new MariaDb(text) : new MySql(text);
    }

    /** Adds one transaction's GTID ({@code 0-1-42} or {@code uuid:42}). */
    abstract void add(String gtid);

    /** Whether the transaction with this GTID is already within the state. */
    abstract boolean contains(String gtid);

    abstract String text();

    abstract GtidTracker copy();

    static final class MariaDb extends GtidTracker {
        private final Map<Long, long[]> byDomain = new TreeMap<>();

        MariaDb(String text) {
            if (text != null && !text.isBlank()) {
                for (String part : text.split(",")) {
                    add(part.strip());
                }
            }
        }

        @Override
        void add(String gtid) {
            long[] g = parse(gtid);
            byDomain.put(g[0], new long[] {g[1], g[2]});
        }

        @Override
        boolean contains(String gtid) {
            long[] g = parse(gtid);
            long[] current = byDomain.get(g[0]);
            return current != null && Long.compareUnsigned(g[2], current[1]) <= 0;
        }

        @Override
        String text() {
            StringBuilder sb = new StringBuilder();
            byDomain.forEach((domain, g) -> sb.append(sb.isEmpty() ? "" : ",").append(Long.toUnsignedString(domain))
                    .append('-').append(Long.toUnsignedString(g[0])).append('-').append(Long.toUnsignedString(g[1])));
            return sb.toString();
        }

        @Override
        GtidTracker copy() {
            return new MariaDb(text());
        }

        private static long[] parse(String gtid) {
            String[] parts = gtid.split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a MariaDB GTID: " + gtid);
            }
            return new long[] {Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]), Long.parseUnsignedLong(parts[2])};
        }
    }

    static final class MySql extends GtidTracker {
        private final GtidSet set;

        MySql(String text) {
            this.set = new GtidSet(text == null ? "" : text.replaceAll("\\s+", ""));
        }

        @Override
        void add(String gtid) {
            set.add(gtid);
        }

        @Override
        boolean contains(String gtid) {
            return new GtidSet(gtid).isContainedWithin(set);
        }

        @Override
        String text() {
            return set.toString();
        }

        @Override
        GtidTracker copy() {
            return new MySql(text());
        }
    }
}
