package dev.ferry.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A describe view: {@code Label:  value} lines with aligned values; null or empty values are left out. */
public final class Fields {
    private final List<String[]> lines = new ArrayList<>();

    public Fields add(String label, Object value) {
        if (value != null && !String.valueOf(value).isEmpty()) {
            lines.add(new String[] {label, String.valueOf(value)});
        }
        return this;
    }

    public String render() {
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0) + 1;
        StringBuilder text = new StringBuilder();
        for (String[] line : lines) {
            String label = line[0] + ":";
            text.append(label).append(" ".repeat(width - label.length() + 2)).append(line[1]).append('\n');
        }
        return text.toString();
    }

    public void print(PrintWriter out) {
        out.print(render());
        out.flush();
    }
}
