package dev.ferry.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Dialect;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.engine.postgres.cdc.ReplicationNames;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.provisioner.local.LocalProvisioner;
import dev.ferry.provisioner.local.LocalSettings;
import dev.ferry.testkit.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Findings about misconfigured sources and destinations, on real servers. */
@Timeout(120)
class PgChecksIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private final PostgresEngine engine = new PostgresEngine();

    @Test
    void aServerWithoutLogicalDecodingSlotsOrWalSendersGetsAnErrorForEach() throws Exception {
        Path home = Files.createTempDirectory("ferry-checks-it-");
        var provisioner = new LocalProvisioner(LocalSettings.of(home));
        var spec = new InstanceSpec("pg-replica-only", EngineKind.POSTGRESQL, null, null,
                Map.of("wal_level", "replica", "max_replication_slots", "0", "max_wal_senders", "0", "fsync", "off"), null);
        try {
            DatabaseConnection server = provisioner.create(spec).endpoint().withDatabase("postgres");

            List<Finding> findings = engine.checkSource(server, List.of("postgres"), true, "any-job");

            assertThat(findings).extracting(Finding::code)
                    .containsExactlyInAnyOrder("WAL_LEVEL", "MAX_REPLICATION_SLOTS", "MAX_WAL_SENDERS");
            assertThat(findings).allMatch(f -> f.severity() == Severity.ERROR);
            assertThat(findings).filteredOn(f -> f.code().equals("WAL_LEVEL")).singleElement()
                    .satisfies(f -> assertThat(f.remedy()).startsWith("ALTER SYSTEM SET wal_level = logical;"));
            assertThat(engine.checkSource(server, List.of("postgres"), false, "any-job")).isEmpty();
        } finally {
            provisioner.delete(spec.name());
            try (var paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aUserWithoutReplicationOrSelectGetsErrorsNamingTheUnreadableTables() {
        var source = pg.freshDatabase();
        String user = "reader_" + source.name();
        source.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'reader-pw'", "CREATE TABLE granted (id int PRIMARY KEY)",
                "CREATE TABLE \"Secret Stuff\" (id int PRIMARY KEY)", "GRANT SELECT ON granted TO " + user);
        var asReader = new DatabaseConnection(EngineKind.POSTGRESQL, source.connection().host(),
                source.connection().port(), user, Secret.of("reader-pw"), source.name(), null);

        List<Finding> findings = engine.checkSource(asReader, List.of(source.name()), true, "reader-job");

        assertThat(findings).extracting(Finding::code)
                .containsExactlyInAnyOrder("REPLICATION_PRIVILEGE", "TABLE_PRIVILEGES");
        assertThat(findings).filteredOn(f -> f.code().equals("TABLE_PRIVILEGES")).singleElement().satisfies(f -> {
            assertThat(f.message()).contains("\"public\".\"Secret Stuff\"").doesNotContain("granted");
            assertThat(f.remedy()).contains("GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO \"" + user + "\"");
        });
        assertThat(findings).filteredOn(f -> f.code().equals("REPLICATION_PRIVILEGE")).singleElement()
                .satisfies(f -> assertThat(f.remedy()).isEqualTo("ALTER ROLE \"" + user + "\" WITH REPLICATION;"));
    }

    @Test
    void leftoversOfTheJobAndAnOldPgDumpAreErrors() {
        var source = pg.freshDatabase();
        String job = "left-" + source.name().replace('_', '-');
        String slot = ReplicationNames.slot(job, source.name());
        source.execute("CREATE PUBLICATION " + Dialect.POSTGRESQL.quote(ReplicationNames.publication(job)),
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        int major = engine.probe(source.connection()).major();
        PgTools real = PgTools.locate();
        var oldTools = new PostgresEngine(Clock.systemUTC(),
                () -> new PgTools(real.pgDump(), real.psql(), major - 1, (major - 1) + ".9"));
        try {
            List<Finding> findings = oldTools.checkSource(source.connection(), List.of(source.name()), true, job);

            assertThat(findings).extracting(Finding::code)
                    .containsExactlyInAnyOrder("SLOT_EXISTS", "PUBLICATION_EXISTS", "PG_DUMP_TOO_OLD");
            assertThat(findings).filteredOn(f -> f.code().equals("SLOT_EXISTS")).singleElement()
                    .satisfies(f -> assertThat(f.remedy()).isEqualTo("SELECT pg_drop_replication_slot('" + slot + "');"));
            assertThat(findings).filteredOn(f -> f.code().equals("PG_DUMP_TOO_OLD")).singleElement()
                    .satisfies(f -> assertThat(f.remedy()).contains("postgresql-client-" + major));
        } finally {
            engine.dropReplication(source.connection(), source.name(), job);
        }
    }

    @Test
    void rolesMissingOnTheDestinationAreAWarningAndAvailableExtensionsAreFine() {
        var source = pg.freshDatabase();
        String role = "absent_" + source.name();
        source.execute("CREATE ROLE " + role, "CREATE EXTENSION hstore", "CREATE TABLE owned (h hstore)",
                "ALTER TABLE owned OWNER TO " + role);

        List<Finding> findings = engine.checkDestination(source.connection(), dest.superuser(), List.of(source.name()));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("MISSING_ROLES");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains(role);
            assertThat(f.remedy()).contains("CREATE ROLE \"" + role + "\";");
        });
    }
}
