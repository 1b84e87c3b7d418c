package dev.ferry.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One metric family while a scrape collects it: its exported name, help text, type and samples. A counter is named
 * as it is exported, with {@code _total}; the Prometheus model adds that suffix itself, so it is left off there. Not
 * thread-safe; one scrape builds its own.
 */
final class Family {
    private static final String TOTAL = "_total";

    private final String name;
    private final String help;
    private final boolean counter;
    private final List<Labels> labels = new ArrayList<>();
    private final List<Double> values = new ArrayList<>();

    private Family(String name, String help, boolean counter) {
        if (counter != name.endsWith(TOTAL)) {
            throw new IllegalArgumentException("a counter's name, and only a counter's, ends in _total: " + name);
        }
        this.name = name;
        this.help = help;
        this.counter = counter;
    }

    static Family gauge(String name, String help) {
        return new Family(name, help, false);
    }

    static Family counter(String name, String help) {
        return new Family(name, help, true);
    }

    String name() {
        return name;
    }

    /** Adds one sample; {@code labelPairs} alternate label names and values. */
    Family add(double value, String... labelPairs) {
        labels.add(Labels.of(labelPairs));
        values.add(value);
        return this;
    }

    MetricSnapshot snapshot() {
        if (counter) {
            var builder = CounterSnapshot.builder().name(name.substring(0, name.length() - TOTAL.length())).help(help);
            for (int i = 0; i < values.size(); i++) {
                builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i))
                        .build());
            }
            return builder.build();
        }
        var builder = GaugeSnapshot.builder().name(name).help(help);
        for (int i = 0; i < values.size(); i++) {
            builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
        }
        return builder.build();
    }
}
