package dev.ferry.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading the CLI's JSON in tests. */
final class JobViewText {
    private JobViewText() {}

    /** A differing row's key as {@code id=42} (pairs joined by commas). */
    static String key(JsonNode difference) {
        List<String> parts = new ArrayList<>();
        difference.path("key").forEach(k -> parts.add(k.asText()));
        return String.join(",", parts);
    }
}
