package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.engine.mysql.Flavor;

/**
 * Where the stream is: the binlog file and offset after the last event outside a transaction, the GTID
 * state of the transactions that ended, and the transaction being received (null between transactions).
 * Not thread-safe.
 */
final class StreamState {
    /** A source transaction being received; {@code gtid} may be null (no GTIDs, or a statement without one). */
    static final class Txn {
        final String gtid;
        final BinlogPosition start;
        final long timeMillis;
        boolean begun;

        Txn(String gtid, BinlogPosition start, long timeMillis, boolean begun) {
            this.gtid = gtid;
            this.start = start;
            this.timeMillis = timeMillis;
            this.begun = begun;
        }
    }

    private final Flavor flavor;
    private String file;
    private long offset;
    private GtidTracker gtids;
    private Txn txn;

    StreamState(Flavor flavor, BinlogPosition at) {
        this.flavor = flavor;
        reset(at);
    }

    private void reset(BinlogPosition at) {
        file = at.file();
        offset = at.offset();
        gtids = GtidTracker.of(flavor, at.gtids());
        txn = null;
    }

    void rotate(String newFile, long newOffset) {
        file = newFile;
        offset = newOffset;
    }

    /** An event outside a transaction ended at {@code nextPosition} (0 for artificial events). */
    void advance(long nextPosition) {
        if (txn == null && nextPosition > offset) {
            offset = nextPosition;
        }
    }

    Txn begin(String gtid, long eventPosition, long timeMillis, boolean begun) {
        txn = new Txn(gtid, new BinlogPosition(file, eventPosition, ""), timeMillis, begun);
        return txn;
    }

    Txn txn() {
        return txn;
    }

    boolean contains(String gtid) {
        return gtids.contains(gtid);
    }

    /** The open transaction ended with the event ending at {@code nextPosition}; returns the position after it. */
    BinlogPosition end(long nextPosition) {
        if (txn != null && txn.gtid != null) {
            gtids.add(txn.gtid);
        }
        txn = null;
        advance(nextPosition);
        return position();
    }

    /** The position the open transaction ends at when its last event ends at {@code nextPosition}, with its GTID. */
    BinlogPosition after(long nextPosition) {
        GtidTracker next = gtids.copy();
        if (txn != null && txn.gtid != null) {
            next.add(txn.gtid);
        }
        return new BinlogPosition(file, Math.max(offset, nextPosition), next.text());
    }

    /** The position after the last whole transaction or event received. */
    BinlogPosition position() {
        return new BinlogPosition(file, offset, gtids.text());
    }

    String file() {
        return file;
    }

    long offset() {
        return offset;
    }
}
