package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.cdc.ChangeEvent.Begin;
import dev.ferry.core.cdc.PositionOrder;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.engine.mysql.Flavor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How binlog positions of one server compare ({@link Coordinates#compare}: file, then offset) and when a transaction is
 * wholly applied: when streaming by GTID, its GTID is within the applied GTID state; otherwise (or for a transaction
 * without a GTID) it starts before the applied position. Thread-safe; keeps the GTID states it parsed last.
 */
final class BinlogOrder implements PositionOrder<BinlogPosition> {
    private static final int MAX_PARSED = 64;

    private final Flavor flavor;
    private final boolean byGtid;
    private final ConcurrentHashMap<String, GtidTracker> parsed = new ConcurrentHashMap<>();

    BinlogOrder(Flavor flavor, boolean byGtid) {
        this.flavor = flavor;
        this.byGtid = byGtid;
    }

    @Override
    public int compare(BinlogPosition a, BinlogPosition b) {
        return Coordinates.compare(a, b);
    }

    @Override
    public boolean covers(BinlogPosition applied, Begin<BinlogPosition> begin) {
        if (byGtid && !applied.gtids().isEmpty() && !begin.txn().equals(name(begin.at()))) {
            return state(applied.gtids()).contains(begin.txn());
        }
        return compare(begin.at(), applied) < 0;
    }

    /** The name of a transaction without a GTID: its start in the binlog. */
    static String name(BinlogPosition start) {
        return start.file() + ":" + start.offset();
    }

    private GtidTracker state(String gtids) {
        GtidTracker t = parsed.get(gtids);
        if (t == null) {
            if (parsed.size() >= MAX_PARSED) {
                parsed.clear();
            }
            t = GtidTracker.of(flavor, gtids);
            parsed.put(gtids, t);
        }
        return t;
    }
}
