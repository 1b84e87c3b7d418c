package dev.ferry.cli.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** How a plan reads for people: one line per resource, its changed fields below, and a count. Pure. */
final class PlanView {
    private PlanView() {}

    static void print(Plan plan, String source, PrintWriter out) {
        out.println("Plan for " + source + ":");
        for (JsonNode entry : plan.entries()) {
            String action = entry.path("action").asText();
            String kind = "connectionProfile".equals(entry.path("kind").asText()) ? "connection profile" : "migration job";
            String lifecycle = entry.path("lifecycle").asText(null);
            String what = switch (action) {
                case "CREATE" -> "create" + (lifecycle == null ? "" : ", then " + lifecycle);
                case "UPDATE" -> entry.path("changes").isEmpty() ? lifecycle : "update" + (lifecycle == null ? "" : ", then " + lifecycle);
                case "REFUSED" -> "refused: " + entry.path("reason").asText();
                case "DELETE" -> "delete";
                default -> "unchanged";
            };
            out.printf("  %s %s %s: %s%n", symbol(action), kind, entry.path("name").asText(), what);
            for (JsonNode change : entry.path("changes")) {
                String from = change.path("from").asText("(none)");
                String to = change.path("to").asText("(none)");
                out.printf("      %s: %s%n", change.path("field").asText(),
                        "CREATE".equals(action) ? to : from + " → " + to);
            }
        }
        out.println(summary(plan));
        out.flush();
    }

    static String summary(Plan plan) {
        if (!plan.changesSomething() && plan.count("REFUSED") == 0) {
            return "No changes: the server already matches the configuration.";
        }
        List<String> parts = new ArrayList<>();
        add(parts, plan.count("CREATE"), "to create");
        add(parts, plan.count("UPDATE"), "to update");
        add(parts, plan.count("DELETE"), "to delete");
        add(parts, plan.count("UNCHANGED"), "unchanged");
        add(parts, plan.count("REFUSED"), "refused");
        return "Plan: " + String.join(", ", parts) + ".";
    }

    private static void add(List<String> parts, long count, String label) {
        if (count > 0) {
            parts.add(count + " " + label);
        }
    }

    private static String symbol(String action) {
        return switch (action) {
            case "CREATE" -> "+";
            case "UPDATE" -> "~";
            case "DELETE" -> "-";
            case "REFUSED" -> "!";
            default -> "=";
        };
    }
}
