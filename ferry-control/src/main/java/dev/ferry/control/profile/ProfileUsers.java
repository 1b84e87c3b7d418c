package dev.ferry.control.profile;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which jobs depend on a profile still pointing where it points. A job that has started (anything but
 * DRAFT or NOT_STARTED with nothing recorded) and has not COMPLETED owns things through the profile: slots
 * and publications on a source, databases and a demotion on a destination. Pointing the profile elsewhere
 * would make Ferry act on another server's objects under the same names, so such a profile may not change
 * engine, host, port, username, database or TLS mode; its password may (rotation).
 */
final class ProfileUsers {
    private ProfileUsers() {}

    static void requireNoUnfinishedJob(Store store, String profile, DatabaseConnection current, DatabaseConnection changed) {
        List<String> fields = changedFields(current, changed);
        if (fields.isEmpty()) {
            return;
        }
        List<String> jobs = store.listJobs().stream()
                .filter(j -> j.source().equals(profile) || j.destination().equals(profile))
                .filter(j -> holds(store, j)).map(MigrationJob::name).toList();
        if (!jobs.isEmpty()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Connection profile %s is used by unfinished migration "
                    + "job(s) %s, which hold replication objects or destination databases through it; its %s cannot change "
                    + "until they complete or are deleted. Create a new profile for the other server instead")
                    .formatted(profile, String.join(", ", jobs), String.join(", ", fields)));
        }
    }

    private static boolean holds(Store store, MigrationJob job) {
        return switch (job.state()) {
            case COMPLETED, DELETED -> false;
            case DRAFT, NOT_STARTED -> !store.checkpoints(job.name()).isEmpty();
            default -> true;
        };
    }

    private static List<String> changedFields(DatabaseConnection a, DatabaseConnection b) {
        List<String> fields = new ArrayList<>();
        if (a.engine() != b.engine()) {
            fields.add("engine");
        }
        if (!Objects.equals(a.host(), b.host())) {
            fields.add("host");
        }
        if (a.port() != b.port()) {
            fields.add("port");
        }
        if (!Objects.equals(a.username(), b.username())) {
            fields.add("username");
        }
        if (!Objects.equals(a.database(), b.database())) {
            fields.add("database");
        }
        if (!Objects.equals(a.sslMode(), b.sslMode())) {
            fields.add("TLS mode");
        }
        return fields;
    }
}
