package dev.ferry.engine.postgres.compare;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.GlobalObjects;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.schema.DumpOptions;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.PlainDump;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compares one database's schema on the source and the destination as they are now: {@code pg_dump
 * --schema-only} of both, with the selection the full load uses (schemas and relations the job does not move
 * are left out, ownership and privileges too when the destination lacks roles they name, tablespaces when it
 * lacks those), Ferry's own schema {@code ferry} left out on both sides, then the catalogs for what the text
 * does not settle. pg_dump takes brief share locks on the tables and gives up on one after {@code lockWait}.
 * Thread-safe; holds no connections between calls.
 */
public final class SchemaComparer {
    /** Ferry's bookkeeping schema on a destination (ownership marker, replication progress). */
    static final String FERRY_SCHEMA = "ferry";

    private final Supplier<PgTools> tools;

    public SchemaComparer(Supplier<PgTools> tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    private record Facts(List<String> schemas, List<TableRef> relations, Set<String> roles, Set<String> tablespaces, int major) {}

    /**
     * The whole schema of {@code server}'s database (set) as {@link SchemaText#canonical} text, without Ferry's
     * schema and publications: two databases with equal texts have equal schemas. Tests compare a migrated
     * database with its source this way.
     */
    public static String canonicalSchema(PgTools tools, DatabaseConnection server) {
        DumpOptions options = DumpOptions.current(server.database(), null, List.of(), List.of())
                .withExcludedSchema(FERRY_SCHEMA);
        return SchemaText.canonical(PlainDump.read(tools, options, server), entry -> !SchemaDiff.ferrys(entry));
    }

    /**
     * Compares {@code database} on both servers as they are now, within {@code objects}; pg_dump waits at most
     * {@code lockWait} for each table lock.
     */
    public SchemaComparison compare(DatabaseConnection source, DatabaseConnection destination, String database,
            ObjectsConfig objects, Duration lockWait) {
        DatabaseConnection src = source.withDatabase(database);
        DatabaseConnection dst = destination.withDatabase(database);
        ObjectSelection selection = new ObjectSelection(objects == null ? ObjectsConfig.ALL : objects, EngineKind.POSTGRESQL);
        Facts sourceFacts = PgErrors.call(src, "reading schemas, roles and tablespaces", () -> {
            try (Connection c = PgConnector.open(src)) {
                return new Facts(TableCatalog.schemas(c), TableCatalog.relations(c), GlobalObjects.referencedRoles(c),
                        GlobalObjects.referencedTablespaces(c), c.getMetaData().getDatabaseMajorVersion());
            }
        });
        record DestinationFacts(List<String> schemas, List<TableRef> relations, boolean rolesMissing,
                boolean tablespacesMissing, int major) {}
        DestinationFacts destinationFacts = PgErrors.call(dst, "reading schemas, roles and tablespaces", () -> {
            try (Connection c = PgConnector.open(dst)) {
                return new DestinationFacts(TableCatalog.schemas(c), TableCatalog.relations(c),
                        !GlobalObjects.missingRoles(c, sourceFacts.roles()).isEmpty(),
                        !GlobalObjects.missingTablespaces(c, sourceFacts.tablespaces()).isEmpty(),
                        c.getMetaData().getDatabaseMajorVersion());
            }
        });
        DumpOptions sourceOptions = DumpOptions.current(database, selection, sourceFacts.schemas(), sourceFacts.relations());
        DumpOptions destinationOptions = DumpOptions.current(database, selection, destinationFacts.schemas(),
                destinationFacts.relations());
        // The same choices the full load made (SchemaPlan), on both sides, so both dumps speak alike.
        if (destinationFacts.rolesMissing()) {
            sourceOptions = sourceOptions.withoutOwnership();
            destinationOptions = destinationOptions.withoutOwnership();
        }
        if (destinationFacts.tablespacesMissing()) {
            sourceOptions = sourceOptions.withoutTablespaces();
            destinationOptions = destinationOptions.withoutTablespaces();
        }
        PgTools pgTools = tools.get();
        pgTools.requireCanDump(Math.max(sourceFacts.major(), destinationFacts.major()),
                "servers %s:%d and %s:%d".formatted(src.host(), src.port(), dst.host(), dst.port()));
        String sourceText = PlainDump.read(pgTools, sourceOptions.withExcludedSchema(FERRY_SCHEMA).withLockWait(lockWait), src);
        String destinationText = PlainDump.read(pgTools,
                destinationOptions.withExcludedSchema(FERRY_SCHEMA).withLockWait(lockWait), dst);
        CatalogShapes sourceShapes = PgErrors.call(src, "reading the catalog", () -> {
            try (Connection c = PgConnector.open(src)) {
                return CatalogShapes.read(c);
            }
        });
        CatalogShapes destinationShapes = PgErrors.call(dst, "reading the catalog", () -> {
            try (Connection c = PgConnector.open(dst)) {
                return CatalogShapes.read(c);
            }
        });
        var sourceSide = new SchemaComparison.Side(SchemaText.parse(sourceText), sourceShapes);
        var destinationSide = new SchemaComparison.Side(SchemaText.parse(destinationText), destinationShapes);
        return new SchemaComparison(database, sourceSide, destinationSide, SchemaDiff.of(sourceSide, destinationSide));
    }
}
