package dev.ferry.control.runner;

import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobHealth;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health of running jobs. Each part of a job (a database's replication, a table's copy) reports its
 * own condition under a subject; the job's health is its oldest condition that is not OK (RECONNECTING
 * before PAUSED before YIELDING when they began at the same instant), else OK since the last one cleared.
 * The job's health is written to the store (checkpoint {@value #CHECKPOINT}) when it changes, so the API
 * reads it without the runner. Thread-safe.
 */
public final class HealthBoard {
    static final String CHECKPOINT = "health";

    private final Store store;
    private final Clock clock;
    private final Map<String, Map<String, JobHealth>> conditions = new ConcurrentHashMap<>();

    public HealthBoard(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A part of the job is retrying a transient fault; {@code attempt} counts from 1 for this fault. */
    public void reconnecting(String job, String subject, int attempt, String error) {
        set(job, subject, HealthStatus.RECONNECTING, attempt, error);
    }

    /** A part of the job gave way to another session on the source and will copy again. */
    public void yielding(String job, String subject, String reason) {
        set(job, subject, HealthStatus.YIELDING, 0, reason);
    }

    /** A part of the job waits for the user to fix something (such as a full disk), retrying meanwhile. */
    public void paused(String job, String subject, int attempt, String reason) {
        set(job, subject, HealthStatus.PAUSED, attempt, reason);
    }

    /** The part works normally again. */
    public void clear(String job, String subject) {
        Map<String, JobHealth> parts = conditions.get(job);
        if (parts != null) {
            synchronized (parts) {
                if (parts.remove(subject) != null) {
                    publish(job, parts);
                }
            }
        }
    }

    /** The job starts (or starts again) healthy, forgetting every condition. */
    public void reset(String job) {
        conditions.remove(job);
        store.putCheckpoint(job, CHECKPOINT, text(JobHealth.ok(clock.instant())));
    }

    /** The job is no longer running: its health is no longer reported. */
    public void forget(String job) {
        conditions.remove(job);
        store.deleteCheckpoint(job, CHECKPOINT);
    }

    /** The job's health as last written, also by another Ferry server sharing the store. */
    public static Optional<JobHealth> read(Store store, String job) {
        return store.checkpoint(job, CHECKPOINT).flatMap(HealthBoard::parse);
    }

    private void set(String job, String subject, HealthStatus status, int attempts, String error) {
        Map<String, JobHealth> parts = conditions.computeIfAbsent(job, j -> new LinkedHashMap<>());
        synchronized (parts) {
            JobHealth previous = parts.get(subject);
            Instant since = previous != null && previous.status() == status ? previous.since() : clock.instant();
            parts.put(subject, new JobHealth(status, since, attempts, error, subject));
            publish(job, parts);
        }
    }

    private void publish(String job, Map<String, JobHealth> parts) {
        JobHealth health = parts.values().stream()
                .min(Comparator.comparing(JobHealth::since).thenComparing(h -> h.status().ordinal() == 0 ? 9
                        : h.status() == HealthStatus.RECONNECTING ? 0 : h.status() == HealthStatus.PAUSED ? 1 : 2))
                .orElse(JobHealth.ok(clock.instant()));
        store.putCheckpoint(job, CHECKPOINT, text(health));
    }

    static String text(JobHealth health) {
        return String.join("|", health.status().name(), Long.toString(health.since().toEpochMilli()),
                Integer.toString(health.attempts()), clean(health.subject()), clean(health.lastError()));
    }

    static Optional<JobHealth> parse(String text) {
        String[] parts = text.split("\\|", 5);
        if (parts.length != 5) {
            return Optional.empty();
        }
        try {
            return Optional.of(new JobHealth(HealthStatus.valueOf(parts[0]), Instant.ofEpochMilli(Long.parseLong(parts[1])),
                    Integer.parseInt(parts[2]), parts[4].isEmpty() ? null : parts[4], parts[3].isEmpty() ? null : parts[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The subject never holds the separator; an error may (it is the last field), but not a line break. */
    private static String clean(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }
}
