package dev.ferry.control.runner;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.spi.engine.DatabaseOwner;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.store.Store;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which destination databases a job owns, so that only those are ever cleared. A database is the job's once
 * Ferry created it (or emptied it with the user's overwrite acknowledgement, or found it empty) and wrote
 * a marker with this installation's id, the job's name and a random token into it; the store records the
 * token and the database's identity (engine-defined: on PostgreSQL the server's system identifier and the
 * database's OID). A database whose marker or identity does not match is not the job's, whatever its name,
 * and whatever the profile says now. The token is recorded before the database is created, so a crash in
 * between is recognised afterwards.
 */
public final class Ownership {
    private static final String PREFIX = "owned/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;

    public Ownership(Store store) {
        this.store = store;
    }

    /** A checkpoint {@code owned/<db>}: the token, then (once marked) the identity. */
    private record Record(String token, String identity) {
        String text() {
            return identity == null ? token : token + "\n" + identity;
        }

        static Record parse(String text) {
            int nl = text.indexOf('\n');
            return nl < 0 ? new Record(text, null) : new Record(text.substring(0, nl), text.substring(nl + 1));
        }
    }

    /** Records a new token for {@code database} unless one is recorded; call before creating the database. */
    void prepare(MigrationJob job, String database) {
        if (store.checkpoint(job.name(), PREFIX + database).isEmpty()) {
            byte[] bytes = new byte[12];
            RANDOM.nextBytes(bytes);
            store.putCheckpoint(job.name(), PREFIX + database, HexFormat.of().formatHex(bytes));
        }
    }

    /** Marks {@code database} (which Ferry created or may clear) as the job's, on the destination and in the store. */
    void take(MigrationJob job, Engine engine, DatabaseConnection destination, String database) {
        prepare(job, database);
        Record record = Record.parse(store.checkpoint(job.name(), PREFIX + database).orElseThrow());
        store.fence().check();
        String identity = engine.markOwned(destination, database, owner(job.name(), record.token()));
        store.putCheckpoint(job.name(), PREFIX + database, new Record(record.token(), identity).text());
    }

    /** Whether {@code database} on the destination is the job's, checked on the destination now. */
    public boolean owns(MigrationJob job, Engine engine, DatabaseConnection destination, String database) {
        Optional<String> text = store.checkpoint(job.name(), PREFIX + database);
        if (text.isEmpty()) {
            return false;
        }
        Record record = Record.parse(text.get());
        Optional<String> identity = engine.ownedIdentity(destination, database, owner(job.name(), record.token()));
        if (identity.isEmpty()) {
            return false;
        }
        if (record.identity() == null) {
            // Marked, but Ferry stopped before recording the identity: the marker's token proves it.
            store.putCheckpoint(job.name(), PREFIX + database, new Record(record.token(), identity.get()).text());
            return true;
        }
        return record.identity().equals(identity.get());
    }

    /**
     * Whether Ferry may clear {@code database} for this job: it owns it, or the user acknowledged
     * overwriting, or there is nothing in it to lose.
     */
    boolean mayClear(MigrationJob job, Engine engine, DatabaseConnection destination, String database) {
        return owns(job, engine, destination, database) || job.overwriteDestination()
                || engine.userObjects(destination, database).isEmpty();
    }

    /**
     * Throws {@code FAILED_PRECONDITION} naming the databases among {@code databases} that hold objects
     * this job did not create; changes nothing.
     */
    public void requireClearable(MigrationJob job, Engine engine, DatabaseConnection destination, Set<String> databases,
            String doing) {
        Set<String> foreign = new TreeSet<>();
        for (String database : databases) {
            if (!mayClear(job, engine, destination, database)) {
                foreign.add(database);
            }
        }
        if (!foreign.isEmpty()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Cannot %s migration job %s: destination database(s) %s "
                    + "on %s hold objects this job did not create (it did not create the database, or the database or "
                    + "server changed since), and %s would drop them. Empty those databases yourself if their content is "
                    + "disposable, or point a new job at databases Ferry creates").formatted(doing, job.name(),
                    String.join(", ", foreign), destination.display(), doing));
        }
    }

    /** The databases the job owns among {@code databases}, checked on the destination. */
    public Set<String> owned(MigrationJob job, Engine engine, DatabaseConnection destination, Set<String> databases) {
        Set<String> owned = new TreeSet<>();
        for (String database : databases) {
            if (owns(job, engine, destination, database)) {
                owned.add(database);
            }
        }
        return owned;
    }

    /** Removes the job's markers from the databases it owns (at completion: the databases are the user's now). */
    void release(MigrationJob job, Engine engine, DatabaseConnection destination, List<String> databases) {
        for (String database : databases) {
            store.checkpoint(job.name(), PREFIX + database).map(Record::parse)
                    .ifPresent(r -> {
                        store.fence().check();
                        engine.unmarkOwned(destination, database, owner(job.name(), r.token()));
                    });
        }
    }

    private DatabaseOwner owner(String job, String token) {
        return new DatabaseOwner(store.installationId(), job, token);
    }
}
