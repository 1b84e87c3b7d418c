package dev.ferry.core.cdc;

import java.util.Comparator;

/**
 * How an engine's positions compare: their order in the source's log, and whether a transaction is wholly inside an
 * applied position (then a restart skips it).
 *
 * @param <P> the engine's position type
 */
public interface PositionOrder<P extends dev.ferry.core.model.Position> extends Comparator<P> {
    /** True when the transaction that begins with {@code begin} was wholly applied by a partition at {@code applied}. */
    default boolean covers(P applied, ChangeEvent.Begin<P> begin) {
        return compare(begin.at(), applied) < 0;
    }
}
