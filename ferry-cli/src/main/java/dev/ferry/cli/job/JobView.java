package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.output.Fields;
import dev.ferry.cli.output.Table;
import dev.ferry.cli.output.Units;
import dev.ferry.cli.progress.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How migration jobs, their tables, events and findings look for people, from their API JSON. Pure. */
public final class JobView {
    private JobView() {}

    public static Table list(JsonNode jobs) {
        Table table = Table.of("NAME", "TYPE", "SOURCE", "DESTINATION", "STATE", "PHASE", ">DURATION", ">LAG");
        for (JsonNode j : jobs) {
            table.row(j.path("name").asText(), j.path("type").asText(), j.path("source").asText(),
                    j.path("destination").asText(), j.path("state").asText(), text(j, "phase"), text(j, "duration"),
                    lagSeconds(j.path("lag")));
        }
        return table;
    }

    public static Fields describe(JsonNode j) {
        JsonNode error = j.path("error");
        return new Fields()
                .add("Name", j.path("name").asText())
                .add("Display name", text(j, "displayName"))
                .add("Type", text(j, "type"))
                .add("Source", text(j, "source"))
                .add("Destination", text(j, "destination"))
                .add("Include", join(j.path("objectsConfig").path("include")))
                .add("Exclude", join(j.path("objectsConfig").path("exclude")))
                .add("Parallelism", text(j.path("performanceConfig"), "parallelism"))
                .add("Apply partitions", applyPartitions(j))
                .add("State", text(j, "state"))
                .add("Phase", text(j, "phase"))
                .add("Waiting", text(j, "waiting"))
                .add("Lag", lag(j.path("lag")))
                .add("Health", health(j.path("health")))
                .add("Node", lease(j.path("lease")))
                .add("Runs only on", text(j.path("placement"), "message"))
                .add("Reliability", reliability(j.path("reliabilityConfig")))
                .add("Source retention", retention(j.path("sourceRetention")))
                .add("Schema", schema(j.path("schema")))
                .add("Error", error.isMissingNode() ? null : error.path("code").asText() + ": " + error.path("message").asText())
                .add("Labels", pairs(j.path("labels")))
                .add("Created", text(j, "createTime"))
                .add("Started", text(j, "startTime"))
                .add("Ended", text(j, "endTime"))
                .add("Duration", text(j, "duration"));
    }

    /**
     * With several servers on one store: {@code node-b (lease epoch 4, expires 2026-…)}; null when no node holds the
     * job's lease (or the store is the embedded one).
     */
    static String lease(JsonNode lease) {
        if (lease.isMissingNode() || lease.isNull()) {
            return null;
        }
        String expires = text(lease, "expireTime");
        return "%s (lease epoch %d%s)".formatted(lease.path("node").asText(), lease.path("epoch").asLong(),
                expires == null ? "" : ", expires " + expires + " unless renewed");
    }

    /**
     * One row per table: database.schema.table, state, rows copied / estimated, bytes, percent, and for
     * a continuous job the rows applied by change replication.
     */
    public static Table objects(JsonNode objects, boolean continuous) {
        Table table = continuous
                ? Table.of("TABLE", "STATE", ">ROWS", ">ESTIMATED", ">BYTES", ">PERCENT", ">APPLIED", "ERROR")
                : Table.of("TABLE", "STATE", ">ROWS", ">ESTIMATED", ">BYTES", ">PERCENT", "ERROR");
        for (JsonNode o : objects) {
            List<Object> cells = new ArrayList<>(List.of(o.path("name").asText(), o.path("state").asText(),
                    Units.count(o.path("rowsCopied").asLong()), Units.count(o.path("rowsEstimated").asLong()),
                    Units.bytes(o.path("bytesCopied").asLong()), o.path("percent").asInt() + "%"));
            if (continuous) {
                cells.add(Units.count(o.path("rowsApplied").asLong()));
            }
            cells.add(text(o, "error"));
            table.row(cells.toArray());
        }
        return table;
    }

    /**
     * {@code OK since 2026-…}, or {@code RECONNECTING since 2026-… (attempt 3): replication of shop: connection
     * refused}; null when the job is not running.
     */
    static String health(JsonNode health) {
        if (health.isMissingNode() || health.isNull()) {
            return null;
        }
        StringBuilder text = new StringBuilder(health.path("status").asText()).append(" since ")
                .append(health.path("since").asText());
        if (health.path("attempts").asInt() > 0) {
            text.append(" (attempt ").append(health.path("attempts").asInt()).append(')');
        }
        String subject = text(health, "subject");
        String error = text(health, "lastError");
        if (subject != null || error != null) {
            text.append(": ").append(subject == null ? "" : subject).append(subject != null && error != null ? ": " : "")
                    .append(error == null ? "" : error);
        }
        return text.toString();
    }

    /** {@code fault budget 15m, stall timeout 60s, yield to DDL after 2s, on divergence FAIL}, plus caps when set. */
    static String reliability(JsonNode r) {
        if (r.isMissingNode() || r.isNull()) {
            return null;
        }
        StringBuilder text = new StringBuilder("fault budget ").append(r.path("faultBudget").asText())
                .append(", stall timeout ").append(r.path("stallTimeout").asText())
                .append(r.path("yieldToDdl").asBoolean(true) ? ", yield to DDL after " : ", DDL waits (no yield); lock wait ")
                .append(r.path("lockWait").asText())
                .append(", on divergence ").append(r.path("onDivergence").asText());
        if (r.path("maxSourceConnections").isNumber()) {
            text.append(", at most ").append(r.path("maxSourceConnections").asInt()).append(" source connections");
        }
        if (r.path("readBytesPerSecond").isNumber()) {
            text.append(", reads at most ").append(Units.bytes(r.path("readBytesPerSecond").asLong())).append("/s");
        }
        if (r.path("captureDdl").asBoolean(false)) {
            text.append(", DDL captured on the source");
        }
        if (r.path("keepDroppedColumns").asBoolean(false)) {
            text.append(", dropped columns kept");
        }
        return text.toString();
    }

    /**
     * A continuous job's apply partitions as set, or the default; null for a one-time job that sets none. Replication
     * reads the number when it starts.
     */
    static String applyPartitions(JsonNode j) {
        String set = text(j.path("performanceConfig"), "applyPartitions");
        if (set != null || !"CONTINUOUS".equals(j.path("type").asText())) {
            return set;
        }
        return "default (twice the server's cores, 2 to 8)";
    }

    /** The pipeline block of a replicating job (see {@link PipelineView}), empty otherwise. */
    public static String pipeline(JsonNode j) {
        return PipelineView.render(j.path("pipeline"));
    }

    /** {@code 0.4s}, or null when the job has no measured lag. */
    static String lagSeconds(JsonNode lag) {
        if (lag.isMissingNode() || lag.isNull()) {
            return null;
        }
        return String.format(Locale.ROOT, "%.1fs", lag.path("seconds").asDouble());
    }

    /** {@code 0.4s behind, 12.0 KB of source log (measured 2026-11-28T17:01:02Z)}, or null without a measure. */
    static String lag(JsonNode lag) {
        String seconds = lagSeconds(lag);
        if (seconds == null) {
            return null;
        }
        return "%s behind, %s of source log (measured %s)".formatted(seconds, Units.bytes(lag.path("bytes").asLong()),
                lag.path("measureTime").asText("?"));
    }

    /**
     * Per database: {@code shop: slot keeps 1.2 MB of WAL, cleanup held back 3 transactions}, or null when
     * nothing was measured.
     */
    static String retention(JsonNode retention) {
        if (!retention.isArray() || retention.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode r : retention) {
            List<String> facts = new ArrayList<>();
            if (r.hasNonNull("retainedWalBytes")) {
                facts.add("slot keeps " + Units.bytes(r.path("retainedWalBytes").asLong()) + " of WAL");
            }
            if (r.hasNonNull("cleanupHeldBackTransactions")) {
                facts.add("cleanup held back " + r.path("cleanupHeldBackTransactions").asLong() + " transactions");
            }
            parts.add(r.path("database").asText() + ": " + (facts.isEmpty() ? "not measurable" : String.join(", ", facts)));
        }
        return String.join("; ", parts);
    }

    /**
     * Per database, as a replicating job last compared the schemas: {@code shop: 2 differences promotion reconciles,
     * 1 it cannot (compared 2026-…)}, or {@code shop: same on both sides (compared …)}; null before any comparison.
     */
    static String schema(JsonNode schema) {
        if (!schema.isArray() || schema.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        boolean differs = false;
        for (JsonNode s : schema) {
            int pending = s.path("pending").asInt();
            int unreconcilable = s.path("unreconcilable").asInt();
            differs |= pending + unreconcilable > 0;
            String state = pending + unreconcilable == 0 ? "same on both sides"
                    : "%d difference%s promotion reconciles, %d it cannot".formatted(pending, pending == 1 ? "" : "s",
                            unreconcilable);
            parts.add("%s: %s (compared %s)".formatted(s.path("database").asText(), state, s.path("checkTime").asText("?")));
        }
        return String.join("; ", parts) + (differs ? "; list them with: ferry migration-jobs verify" : "");
    }

    public static Table events(JsonNode events) {
        Table table = Table.of("TIME", "SEVERITY", "MESSAGE");
        for (JsonNode e : events) {
            table.row(e.path("time").asText(), e.path("severity").asText(), e.path("message").asText());
        }
        return table;
    }

    public static Table findings(JsonNode findings) {
        Table table = Table.of("SEVERITY", "CODE", "OBJECT", "MESSAGE", "REMEDY");
        for (JsonNode f : findings) {
            table.row(f.path("severity").asText(), f.path("code").asText(), text(f, "object"), f.path("message").asText(),
                    text(f, "remedy"));
        }
        return table;
    }

    /** The progress totals of a job from its JSON (with its lag) and its objects' JSON. */
    public static Progress progress(JsonNode job, JsonNode objects) {
        var sum = new Progress.Sum();
        for (JsonNode o : objects) {
            sum.add(o.path("state").asText(), o.path("rowsCopied").asLong(), o.path("rowsEstimated").asLong(),
                    o.path("bytesCopied").asLong(), o.path("bytesEstimated").asLong(), o.path("rowsApplied").asLong());
        }
        JsonNode lag = job.path("lag");
        boolean measured = !lag.isMissingNode() && !lag.isNull();
        return sum.progress(job.path("name").asText(), job.path("state").asText(), text(job, "phase"),
                measured ? lag.path("seconds").asDouble() : null, measured ? lag.path("bytes").asLong() : 0);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.asText()));
        return String.join(", ", items);
    }

    private static String pairs(JsonNode object) {
        List<String> pairs = new ArrayList<>();
        object.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", pairs);
    }
}
