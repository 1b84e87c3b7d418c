package dev.ferry.control.source;

import dev.ferry.control.operation.Operations;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.SourceLimit;
import dev.ferry.core.model.SourceReservation;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sets, removes and reads the caps on source servers ({@code ferry source-limits}): at most that many connections to
 * the server across every node sharing the store, reserved by each job before it starts. Thread-safe.
 */
public final class SourceLimitService {
    private final Store store;
    private final Operations operations;
    private final Clock clock;

    public SourceLimitService(Store store, Operations operations, Clock clock) {
        this.store = store;
        this.operations = operations;
        this.clock = clock;
    }

    /** A source server: its cap (null when it has none) and the reservations of the jobs running against it. */
    public record ServerStatus(String server, Integer maxConnections, java.time.Instant updateTime,
            List<SourceReservation> reservations) {
        /** The connections reserved now. */
        public int inUse() {
            return reservations.stream().mapToInt(SourceReservation::connections).sum();
        }
    }

    /** Every server with a cap or with reservations, by server. */
    public List<ServerStatus> list() {
        Map<String, SourceLimit> limits = new TreeMap<>();
        store.listSourceLimits().forEach(l -> limits.put(l.server(), l));
        Map<String, List<SourceReservation>> reserved = new TreeMap<>();
        for (SourceReservation r : store.listSourceReservations()) {
            reserved.computeIfAbsent(r.server(), s -> new ArrayList<>()).add(r);
        }
        var servers = new java.util.TreeSet<>(limits.keySet());
        servers.addAll(reserved.keySet());
        return servers.stream().map(s -> status(s, Optional.ofNullable(limits.get(s)), reserved.getOrDefault(s, List.of())))
                .toList();
    }

    /** One server's cap and reservations (a server without a cap answers with none). */
    public ServerStatus get(String server) {
        String key = SourceLimit.checkedServer(server);
        return list().stream().filter(s -> s.server().equals(key)).findFirst()
                .orElse(new ServerStatus(key, null, null, List.of()));
    }

    private static ServerStatus status(String server, Optional<SourceLimit> limit, List<SourceReservation> reservations) {
        return new ServerStatus(server, limit.map(SourceLimit::maxConnections).orElse(null),
                limit.map(SourceLimit::updateTime).orElse(null), List.copyOf(reservations));
    }

    /**
     * Caps {@code server} ({@code HOST:PORT}) at {@code maxConnections}. Jobs running already keep their reservations
     * (a lower cap holds back the next jobs until enough are released).
     */
    public Operation set(String server, Integer maxConnections, String requestId) {
        if (maxConnections == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "maxConnections is required (1 to %d); remove a limit with "
                    + "DELETE (ferry source-limits remove %s)".formatted(SourceLimit.MAX, server));
        }
        var limit = new SourceLimit(SourceLimit.checkedServer(server), maxConnections, clock.instant());
        return operations.once("update", target(limit.server()), requestId, () -> {
            store.putSourceLimit(limit);
            return operations.done("update", target(limit.server()), requestId,
                    "source server %s capped at %d connections".formatted(limit.server(), limit.maxConnections()));
        });
    }

    /** Removes the cap on {@code server}; NOT_FOUND when it has none. */
    public Operation remove(String server, String requestId) {
        String key = SourceLimit.checkedServer(server);
        return operations.once("delete", target(key), requestId, () -> {
            if (!store.deleteSourceLimit(key)) {
                throw new FerryException(ErrorCode.NOT_FOUND,
                        "Source server %s has no limit; list them with: ferry source-limits list".formatted(key));
            }
            return operations.done("delete", target(key), requestId, "limit of source server %s removed".formatted(key));
        });
    }

    private static String target(String server) {
        return "sourceLimits/" + server;
    }
}
