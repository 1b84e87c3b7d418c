package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.output.Fields;
import dev.ferry.cli.output.Table;
import dev.ferry.cli.output.Units;
import java.util.Locale;

/** How a replicating job's change pipeline looks for people, from the {@code pipeline} of its API JSON. Pure. */
final class PipelineView {
    private PipelineView() {}

    /**
     * One block per database: queue depth and bytes, rows per second read and applied, rows with the share compaction
     * saved, batches, and each partition's position and lag; empty when the job does not replicate (on this server).
     */
    static String render(JsonNode pipeline) {
        if (!pipeline.isArray() || pipeline.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode p : pipeline) {
            text.append("Pipeline of ").append(p.path("database").asText())
                    .append(p.path("caughtUp").asBoolean() ? ", caught up" : "")
                    .append(" (measured ").append(p.path("measureTime").asText("?")).append("):\n");
            Fields fields = new Fields()
                    .add("Queue", "%s events, %s of %s".formatted(Units.count(p.path("queueEvents").asLong()),
                            Units.bytes(p.path("queueBytes").asLong()), Units.bytes(p.path("queueCapacityBytes").asLong())))
                    .add("Rate", "read %s, applied %s".formatted(Units.rowsPerSecond(p.path("readRowsPerSecond").asDouble()),
                            Units.rowsPerSecond(p.path("applyRowsPerSecond").asDouble())))
                    .add("Rows", "%s read, %s applied, %s written (compaction saved %s)".formatted(
                            Units.count(p.path("rowsRead").asLong()), Units.count(p.path("rowsApplied").asLong()),
                            Units.count(p.path("rowsWritten").asLong()), percent(p.path("compaction").asDouble())))
                    .add("Batches", batches(p));
            indent(text, fields.render());
            Table partitions = Table.of(">PARTITION", "POSITION", "LAST COMMIT", ">LAG");
            for (JsonNode part : p.path("partitions")) {
                JsonNode lag = part.path("lagSeconds");
                partitions.row(part.path("number").asInt(), part.path("position").asText(), JobView.text(part, "commitTime"),
                        lag.isNumber() ? String.format(Locale.ROOT, "%.1fs", lag.asDouble()) : null);
            }
            if (!partitions.isEmpty()) {
                indent(text, partitions.render());
            }
        }
        return text.toString();
    }

    /** {@code 42, last 250 rows, 3 applied change by change} (the last part only when there were such). */
    private static String batches(JsonNode p) {
        String text = "%s, last %s rows".formatted(Units.count(p.path("batches").asLong()),
                Units.count(p.path("lastBatchRows").asLong()));
        long inOrder = p.path("inOrderBatches").asLong();
        return inOrder > 0 ? text + ", %s applied change by change".formatted(Units.count(inOrder)) : text;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    private static void indent(StringBuilder text, String block) {
        block.lines().forEach(line -> text.append("  ").append(line).append('\n'));
    }
}
