package dev.ferry.store;

import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A second Ferry process for {@link H2StoreIT}: opens the embedded store under the home given as the
 * first argument, writes a profile, a job, an event and a checkpoint, prints {@code READY} and waits
 * for its standard input to close. If opening fails it prints {@code FAILED <code> <message>}.
 */
public final class StoreProcess {
    private StoreProcess() {}

    public static void main(String[] args) throws IOException {
        JdbcStore store;
        try {
            store = JdbcStore.open(StoreConfig.embedded(Path.of(args[0])));
        } catch (FerryException e) {
            System.out.println("FAILED " + e.code() + " " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        store.insertProfile(StoreContract.profile("from-child", StoreContract.pgConnection("child-pw")));
        store.insertJob(StoreContract.job("child-job").withState(JobState.RUNNING, Instant.EPOCH));
        store.appendEvent("child-job", StoreContract.T0, Severity.INFO, "written before the kill");
        store.putCheckpoint("child-job", "position", "pg:0/ABC");
        System.out.println("READY " + new Secret("x"));
        System.out.flush();
        while (System.in.read() >= 0) {
            // keep the store open until the parent closes our input (or kills us)
        }
        store.close();
    }
}
