package dev.ferry.control.verify;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.runner.Databases;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.concurrent.Concurrently;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ProfileState;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ServerInfo;
import dev.ferry.core.tls.TlsProblem;
import dev.ferry.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks what can be known before data moves and answers with findings. Reads only: verifying never
 * changes the source or the destination. Databases listed in {@code resumable} were filled by this job
 * before and are not reported as existing data.
 */
public final class Verifier {
    /** Findings about roles (accounts) the destination lacks; a managed instance is given them, so they become INFO. */
    private static final java.util.Set<String> ROLE_FINDINGS = java.util.Set.of("MISSING_ROLES", "MISSING_DEFINERS");
    private final Store store;
    private final EngineRegistry engines;

    public Verifier(Store store, EngineRegistry engines) {
        this.store = store;
        this.engines = engines;
    }

    public List<Finding> verify(MigrationJob job, Set<String> resumable) {
        List<Finding> findings = new ArrayList<>();
        ConnectionProfile sourceProfile = profile(job.source(), "source", findings);
        ConnectionProfile destinationProfile = profile(job.destination(), "destination", findings);
        if (sourceProfile == null || destinationProfile == null) {
            return findings;
        }
        if (sourceProfile.engine() != destinationProfile.engine()) {
            findings.add(new Finding("ENGINE_MISMATCH", Severity.ERROR,
                    "Source %s is %s but destination %s is %s".formatted(sourceProfile.name(), sourceProfile.engine().id(),
                            destinationProfile.name(), destinationProfile.engine().id()),
                    "Ferry migrates between servers of the same family; pick a destination of the same engine", null));
            return findings;
        }
        Engine engine = engines.get(sourceProfile.engine());
        if (job.type() == JobType.CONTINUOUS && !engine.supportsReplication()) {
            findings.add(new Finding("UNSUPPORTED_JOB_TYPE", Severity.ERROR,
                    "Continuous replication of %s is not available in this Ferry build".formatted(engine.kind().id()),
                    "Create a one-time job (--type one-time)", job.name()));
        }
        DatabaseConnection source = sourceProfile.connection();
        DatabaseConnection destination = destinationProfile.connection();
        checkTls(sourceProfile, "source", findings);
        checkTls(destinationProfile, "destination", findings);
        // The two servers are asked at once: each check below opens sessions of its own on one side.
        List<Finding> destinationProbed = new ArrayList<>();
        var destinationProbe = Concurrently.start("ferry-verify-destination",
                () -> probe(engine, destination, "destination", destinationProbed));
        ServerInfo sourceInfo = probe(engine, source, "source", findings);
        ServerInfo destinationInfo = Concurrently.join(destinationProbe);
        findings.addAll(destinationProbed);
        if (sourceInfo == null || destinationInfo == null) {
            return findings;
        }
        checkVersions(sourceInfo, destinationInfo, findings);
        if (sameServer(engine, source, destination, findings)) {
            // Nothing else applies: in particular no advice about the destination's data, which is the source's.
            return findings;
        }
        ObjectSelection selection = new ObjectSelection(job.objectsConfig(), engine.kind());
        List<String> databases = Databases.select(engine, source, selection);
        if (databases.isEmpty()) {
            findings.add(new Finding("NOTHING_SELECTED", Severity.ERROR,
                    "No source database matches the job's selection on %s".formatted(source.display()),
                    "Check the source profile's database and the job's include/exclude patterns", null));
        }
        boolean continuous = job.type() == JobType.CONTINUOUS;
        var destinationChecked = Concurrently.start("ferry-verify-destination",
                () -> checkDestination(engine, job, source, destinationProfile, databases, resumable));
        // A job that has written before (resume, restart) owns the slot and publication it finds.
        findings.addAll(resumable.isEmpty() ? engine.checkSource(source, databases, continuous, job.name())
                : engine.checkSource(source, databases, continuous));
        if (continuous && job.reliabilityConfig().effectiveCaptureDdl()) {
            findings.addAll(engine.checkDdlCapture(source));
        }
        List<Finding> sourceLater = new ArrayList<>();
        if (continuous) {
            sourceLater.addAll(engine.checkReplicationLeftovers(source, databases, store.installationId(),
                    new dev.ferry.control.runner.ReplicationRecords(store).allRecorded()));
        }
        if (!selection.isAll()) {
            for (String database : databases) {
                sourceLater.addAll(SelectionDependencies.check(engine.dependencies(source, database), database, selection));
            }
        }
        DestinationFindings checked = Concurrently.join(destinationChecked);
        findings.addAll(checked.server());
        findings.addAll(sourceLater);
        findings.addAll(checked.databases());
        return findings;
    }

    /** The destination's findings about the server (roles, settings), then those about its databases' contents. */
    private record DestinationFindings(List<Finding> server, List<Finding> databases) {}

    private static DestinationFindings checkDestination(Engine engine, MigrationJob job, DatabaseConnection source,
            ConnectionProfile destinationProfile, List<String> databases, Set<String> resumable) {
        DatabaseConnection destination = destinationProfile.connection();
        List<Finding> server = new ArrayList<>();
        for (Finding finding : engine.checkDestination(source, destination, databases)) {
            server.add(dev.ferry.control.runner.Demotion.needed(destinationProfile) || !ROLE_FINDINGS.contains(finding.code())
                    ? finding
                    // A managed instance is given the source's roles before the copy (JobRunner): nothing to do.
                    : new Finding(finding.code(), Severity.INFO, finding.message().replaceFirst(";[^;]*$", "")
                            + "; Ferry creates them on this instance it manages before the copy, without passwords", null,
                            finding.object()));
        }
        List<Finding> findings = new ArrayList<>();
        for (String database : databases) {
            if (resumable.contains(database)) {
                continue;
            }
            List<String> objects = engine.userObjects(destination, database);
            if (!objects.isEmpty()) {
                String found = "Destination database %s on %s already holds %d user object(s), e.g. %s".formatted(database,
                        destination.display(), objects.size(), String.join(", ", objects.stream().limit(3).toList()));
                findings.add(job.overwriteDestination()
                        ? new Finding("EXISTING_DATA", Severity.WARNING, found + "; they will be dropped before the load",
                                "The job acknowledges overwriting the destination; create it without that flag to keep them",
                                database)
                        : new Finding("EXISTING_DATA", Severity.ERROR, found,
                                ("Use an empty destination, drop those objects (DROP DATABASE %s;), or create the job "
                                        + "with --overwrite-destination to have Ferry drop them before the load")
                                        .formatted(engine.kind().dialect().quote(database)),
                                database));
            }
        }
        return new DestinationFindings(server, findings);
    }

    /**
     * Only the SAME_SERVER check, for a start that skips validation: Ferry never writes into the source,
     * whatever the user skips. Empty when a profile is missing or a server is unreachable (the job then fails
     * on its own).
     */
    public List<Finding> verifySameServer(MigrationJob job) {
        ConnectionProfile source = store.findProfile(job.source()).orElse(null);
        ConnectionProfile destination = store.findProfile(job.destination()).orElse(null);
        List<Finding> findings = new ArrayList<>();
        if (source == null || destination == null || source.engine() != destination.engine()
                || source.state() != ProfileState.READY || destination.state() != ProfileState.READY) {
            return findings;
        }
        try {
            sameServer(engines.get(source.engine()), source.connection(), destination.connection(), findings);
        } catch (FerryException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) {
                throw e;
            }
        }
        return findings;
    }

    private static boolean sameServer(Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<Finding> findings) {
        if (!engine.sameServer(source, destination)) {
            return false;
        }
        findings.add(new Finding("SAME_SERVER", Severity.ERROR, ("The destination %s is the source server itself (%s): "
                + "a marker taken on the source is visible on the destination. Ferry creates each database under its "
                + "source name, so migrating would write into the source databases").formatted(destination.display(),
                source.display()), "Choose a destination on another database server; Ferry does not migrate a server "
                + "onto itself", destination.display()));
        return true;
    }

    private void checkVersions(ServerInfo source, ServerInfo destination, List<Finding> findings) {
        if (!source.flavor().equals(destination.flavor())) {
            findings.add(new Finding("FLAVOR_MISMATCH", Severity.WARNING,
                    "Source is %s %s, destination is %s %s".formatted(source.flavor(), source.version(),
                            destination.flavor(), destination.version()),
                    "Cross-flavor migrations are not tested; check the result carefully", null));
        } else if (destination.major() < source.major()) {
            findings.add(new Finding("VERSION_INCOMPATIBILITY", Severity.ERROR,
                    "Destination %s %s is older than source %s %s".formatted(destination.flavor(), destination.version(),
                            source.flavor(), source.version()),
                    "Use a destination of the same or a newer major version", null));
        }
    }

    private ConnectionProfile profile(String name, String role, List<Finding> findings) {
        var profile = store.findProfile(name).orElse(null);
        if (profile == null) {
            findings.add(new Finding("PROFILE_NOT_FOUND", Severity.ERROR,
                    "The %s connection profile %s does not exist".formatted(role, name),
                    "Create it with: ferry connection-profiles create " + name, name));
            return null;
        }
        if (profile.state() != ProfileState.READY) {
            findings.add(new Finding("PROFILE_NOT_READY", Severity.ERROR,
                    "The %s connection profile %s is %s%s".formatted(role, name, profile.state(),
                            profile.error() == null ? "" : ": " + profile.error()),
                    profile.state() == ProfileState.CREATING ? "Wait until the instance is created"
                            : "Delete the profile and create it again",
                    name));
            return null;
        }
        return profile;
    }

    /** A WARNING when the profile's connections do not verify the server's certificate (modes below verify-ca). */
    private static void checkTls(ConnectionProfile profile, String role, List<Finding> findings) {
        DatabaseConnection c = profile.connection();
        if (c.sslMode().verifiesCertificate()) {
            return;
        }
        String exposure = c.sslMode() == TlsMode.REQUIRE
                ? "the connection is encrypted but the server's certificate is not verified"
                : c.sslMode() == TlsMode.PREFER
                        ? "the connection is encrypted only if the server offers TLS, and its certificate is not verified"
                        : "the connection is not encrypted";
        findings.add(new Finding("TLS_NOT_VERIFIED", Severity.WARNING, ("The %s profile %s reaches %s with TLS mode %s: %s, "
                + "so a machine in between could pose as the server and read the password and the data")
                .formatted(role, profile.name(), c.display(), c.sslMode(), exposure),
                "Give the profile the CA certificate that signed the server's certificate and the TLS mode verify-full",
                profile.name()));
    }

    private static ServerInfo probe(Engine engine, DatabaseConnection server, String role, List<Finding> findings) {
        try {
            return engine.probe(server);
        } catch (FerryException e) {
            var tls = TlsProblem.of(e);
            if (tls.isPresent()) {
                // The finding carries the remedy itself: its message is the problem alone.
                findings.add(new Finding(tls.get().findingCode(), Severity.ERROR, e.problem(),
                        "In the %s profile: %s".formatted(role, tls.get().remedy()), role));
                return null;
            }
            String code = switch (e.code()) {
                case UNAUTHENTICATED -> "AUTHENTICATION_FAILURE";
                case PERMISSION_DENIED -> "INSUFFICIENT_PRIVILEGES";
                default -> "CONNECTION_FAILURE";
            };
            String remedy = e.code() == ErrorCode.UNAUTHENTICATED
                    ? "Check the %s profile's username and password".formatted(role)
                    : "Check that the %s server is running and reachable from this host".formatted(role);
            findings.add(new Finding(code, Severity.ERROR, e.getMessage(), remedy, role));
            return null;
        }
    }
}
