package dev.ferry.control.profile;

import dev.ferry.control.access.CurrentCaller;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new superuser password for a running managed instance: set on the instance through its engine, then stored
 * (encrypted) so Ferry keeps connecting, and recorded with the caller's token name in the log and in the events of
 * every job using the instance. The password itself is never logged. The caller serialises calls per profile.
 */
final class RootPasswordChange {
    private static final Logger log = LoggerFactory.getLogger(RootPasswordChange.class);

    /** Job states in which a runner may open connections with the password it read at its start. */
    private static final Set<JobState> ACTIVE = EnumSet.of(JobState.STARTING, JobState.RUNNING, JobState.STOPPING,
            JobState.RESUMING, JobState.RESTARTING, JobState.UPDATING, JobState.DELETING);

    private final Store store;
    private final EngineRegistry engines;
    private final Clock clock;

    RootPasswordChange(Store store, EngineRegistry engines, Clock clock) {
        this.store = store;
        this.engines = engines;
        this.clock = clock;
    }

    /** Sets {@code password} on the READY instance of {@code profile}; returns the caller's name. */
    String apply(ConnectionProfile profile, ManagedInstance managed, Secret password) {
        String name = profile.name();
        List<MigrationJob> users = store.listJobs().stream()
                .filter(j -> j.source().equals(name) || j.destination().equals(name)).toList();
        List<String> running = users.stream().filter(j -> ACTIVE.contains(j.state())).map(MigrationJob::name).toList();
        if (!running.isEmpty()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Managed instance %s is used by running migration "
                    + "job(s) %s, whose next connections need the current password; set it once they are completed or "
                    + "stopped").formatted(name, String.join(", ", running)));
        }
        DatabaseConnection current = managed.endpoint();
        var engine = engines.get(current.engine());
        engine.setPassword(current, password);
        var changed = new ManagedInstance(managed.engine(), managed.version(), managed.port(), managed.databaseFlags(),
                password, managed.provisioner(), current.withPassword(password));
        try {
            store.updateProfile(profile.with(profile.state(), changed, profile.error(), clock.instant()));
        } catch (RuntimeException e) {
            // Ferry must keep a password that works: the instance gets back the one the store still holds.
            engine.setPassword(current.withPassword(password), current.password());
            throw e;
        }
        String caller = CurrentCaller.get().name();
        log.atInfo().addKeyValue("profile", name).addKeyValue("caller", caller).log("managed instance superuser password set");
        for (MigrationJob job : users) {
            store.appendEvent(job.name(), clock.instant(), Severity.INFO,
                    "Superuser password of managed instance %s set by %s".formatted(name, caller));
        }
        return caller;
    }
}
