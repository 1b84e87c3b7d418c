package dev.ferry.engine.mysql.schema;

import dev.ferry.core.model.TableRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything SHOW CREATE said about one source database, read once under the snapshot. Immutable. */
public record SourceSchema(
        String database,
        Map<TableRef, TableSchema> tables,
        List<SourceSequence> sequences,
        List<SourceObject> views,
        List<SourceObject> routines,
        List<SourceObject> triggers,
        List<SourceObject> events) {
    public SourceSchema {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        sequences = List.copyOf(sequences);
        views = List.copyOf(views);
        routines = List.copyOf(routines);
        triggers = List.copyOf(triggers);
        events = List.copyOf(events);
    }
}
