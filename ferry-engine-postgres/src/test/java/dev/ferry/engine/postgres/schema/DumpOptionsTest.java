package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class DumpOptionsTest {
    private static final List<String> SCHEMAS = List.of("public", "sales", "My \"Schema\"");
    private static final List<TableRef> RELATIONS = List.of(new TableRef("public", "a"), new TableRef("public", "b"),
            new TableRef("sales", "orders"), new TableRef("My \"Schema\"", "T.x"));

    @Test
    void everythingSelectedExcludesNothing() {
        var options = DumpOptions.of(DumpSection.PRE_DATA, "00000003-1", "db",
                new ObjectSelection(ObjectsConfig.ALL), SCHEMAS, RELATIONS);
        assertThat(options.arguments()).containsExactly("--format=plain", "--no-password", "--section=pre-data",
                "--snapshot=00000003-1", "--no-subscriptions");
    }

    @Test
    void excludedSchemasAndTablesBecomeExactQuotedPatterns() {
        var selection = new ObjectSelection(new ObjectsConfig(List.of("db.public", "db.My \"Schema\""),
                List.of("db.public.b")));
        var options = DumpOptions.of(DumpSection.POST_DATA, "snap", "db", selection, SCHEMAS, RELATIONS);
        assertThat(options.excludedSchemas()).containsExactly("sales");
        assertThat(options.excludedTables()).containsExactly(new TableRef("public", "b"));
        assertThat(options.arguments()).contains("--section=post-data", "--exclude-schema=\"sales\"",
                "--exclude-table=\"public\".\"b\"");
    }

    @Test
    void includingOneTableExcludesItsSiblingsAndOtherSchemas() {
        var selection = new ObjectSelection(new ObjectsConfig(List.of("db.public.a"), List.of()));
        var options = DumpOptions.of(DumpSection.PRE_DATA, "snap", "db", selection, SCHEMAS, RELATIONS);
        assertThat(options.excludedSchemas()).containsExactlyInAnyOrder("sales", "My \"Schema\"");
        assertThat(options.excludedTables()).containsExactly(new TableRef("public", "b"));
    }

    @Test
    void quotesInNamesAreDoubledSoPatternsMatchExactly() {
        var options = new DumpOptions(DumpSection.PRE_DATA, "snap", List.of("My \"Schema\""),
                List.of(new TableRef("x*", "T.x")), false, false);
        assertThat(options.arguments()).contains("--exclude-schema=\"My \"\"Schema\"\"\"", "--exclude-table=\"x*\".\"T.x\"");
    }

    @Test
    void withoutOwnershipDropsOwnersAndPrivilegesAndKeepsTheRest() {
        var options = new DumpOptions(DumpSection.PRE_DATA, "snap", List.of(), List.of(), false, false)
                .withoutOwnership().withoutTablespaces().withSection(DumpSection.POST_DATA);
        assertThat(options.arguments()).contains("--no-owner", "--no-privileges", "--no-tablespaces",
                "--section=post-data");
    }

    @Test
    void aComparisonDumpsTheWholeSchemaAsItIsNowWithTheSelectionsExclusions() {
        var selection = new ObjectSelection(new ObjectsConfig(List.of("db.public"), List.of("db.public.b")));
        var options = DumpOptions.current("db", selection, SCHEMAS, RELATIONS).withExcludedSchema("ferry")
                .withExcludedSchema("ferry").withLockWait(java.time.Duration.ofSeconds(1)).withoutOwnership();

        assertThat(options.schemaOnlyArguments()).containsExactly("--format=plain", "--no-password", "--schema-only",
                "--no-blobs", "--no-subscriptions", "--lock-wait-timeout=1000", "--no-owner", "--no-privileges",
                "--exclude-schema=\"sales\"", "--exclude-schema=\"My \"\"Schema\"\"\"", "--exclude-schema=\"ferry\"",
                "--exclude-table=\"public\".\"b\"");
        assertThat(new DumpOptions(DumpSection.PRE_DATA, "snap", List.of(), List.of(), false, false).schemaOnlyArguments())
                .contains("--snapshot=snap");
    }

    @Test
    void argumentsNeverCarryConnectionSettings() {
        var options = new DumpOptions(DumpSection.PRE_DATA, "snap", List.of(), List.of(), true, true);
        assertThat(options.arguments()).noneMatch(a -> a.startsWith("--host") || a.startsWith("--dbname")
                || a.startsWith("--username") || a.startsWith("-h") || a.startsWith("-d"));
    }

    @Test
    void waitsForTableLocksAtMostTheLockWait() {
        var options = new DumpOptions(DumpSection.PRE_DATA, "snap", List.of(), List.of(), false, false)
                .withLockWait(java.time.Duration.ofSeconds(2));
        assertThat(options.arguments()).contains("--lock-wait-timeout=2000");
        assertThat(options.withSection(DumpSection.POST_DATA).withoutOwnership().arguments())
                .contains("--lock-wait-timeout=2000");
        assertThat(new DumpOptions(DumpSection.PRE_DATA, "snap", List.of(), List.of(), false, false).arguments())
                .noneMatch(a -> a.startsWith("--lock-wait-timeout"));
    }
}
