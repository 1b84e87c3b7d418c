package dev.ferry.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A migration job: what to move from which source profile to which destination profile, and where it
 * stands. {@code phase}, {@code error}, {@code endTime} may be null. {@code overwriteDestination} is the
 * user's explicit acknowledgement that user objects found in the destination databases are dropped
 * before the load; without it such a destination is refused. {@code reliabilityConfig} says how the job
 * protects the source and rides through faults.
 */
public record MigrationJob(
        String name,
        String displayName,
        Map<String, String> labels,
        JobType type,
        String source,
        String destination,
        ObjectsConfig objectsConfig,
        PerformanceConfig performanceConfig,
        JobState state,
        Phase phase,
        JobError error,
        Instant createTime,
        Instant updateTime,
        Instant startTime,
        Instant endTime,
        boolean overwriteDestination,
        ReliabilityConfig reliabilityConfig) {

    /** A job that refuses a destination already holding user objects in the databases it migrates. */
    public MigrationJob(String name, String displayName, Map<String, String> labels, JobType type, String source,
            String destination, ObjectsConfig objectsConfig, PerformanceConfig performanceConfig, JobState state,
            Phase phase, JobError error, Instant createTime, Instant updateTime, Instant startTime, Instant endTime) {
        this(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig, state, phase,
                error, createTime, updateTime, startTime, endTime, false);
    }

    /** A job with the default reliability settings. */
    public MigrationJob(String name, String displayName, Map<String, String> labels, JobType type, String source,
            String destination, ObjectsConfig objectsConfig, PerformanceConfig performanceConfig, JobState state,
            Phase phase, JobError error, Instant createTime, Instant updateTime, Instant startTime, Instant endTime,
            boolean overwriteDestination) {
        this(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig, state, phase,
                error, createTime, updateTime, startTime, endTime, overwriteDestination, ReliabilityConfig.DEFAULT);
    }

    public MigrationJob {
        ConnectionProfile.requireValidName(name, "migration job");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(state, "state");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        objectsConfig = objectsConfig == null ? ObjectsConfig.ALL : objectsConfig;
        performanceConfig = performanceConfig == null ? PerformanceConfig.DEFAULT : performanceConfig;
        reliabilityConfig = reliabilityConfig == null ? ReliabilityConfig.DEFAULT : reliabilityConfig;
    }

    /** Time spent running: from the first start to the end, or to {@code now} while not ended. */
    public Duration duration(Instant now) {
        if (startTime == null) {
            return Duration.ZERO;
        }
        return Duration.between(startTime, endTime == null ? now : endTime);
    }

    public MigrationJob withState(JobState newState, Instant now) {
        return new MigrationJob(name, displayName, labels, type, source, destination, objectsConfig,
                performanceConfig, newState, phase, error, createTime, now, startTime, endTime, overwriteDestination,
                reliabilityConfig);
    }

    public MigrationJob withStatus(JobState newState, Phase newPhase, JobError newError, Instant now) {
        return new MigrationJob(name, displayName, labels, type, source, destination, objectsConfig,
                performanceConfig, newState, newPhase, newError, createTime, now, startTime, endTime, overwriteDestination,
                reliabilityConfig);
    }

    public MigrationJob withTimes(Instant newStart, Instant newEnd, Instant now) {
        return new MigrationJob(name, displayName, labels, type, source, destination, objectsConfig,
                performanceConfig, state, phase, error, createTime, now, newStart, newEnd, overwriteDestination,
                reliabilityConfig);
    }

    public MigrationJob withDefinition(String newDisplayName, Map<String, String> newLabels,
            ObjectsConfig newObjects, PerformanceConfig newPerformance, Instant now) {
        return withDefinition(newDisplayName, newLabels, newObjects, newPerformance, reliabilityConfig, now);
    }

    public MigrationJob withDefinition(String newDisplayName, Map<String, String> newLabels,
            ObjectsConfig newObjects, PerformanceConfig newPerformance, ReliabilityConfig newReliability, Instant now) {
        return new MigrationJob(name, newDisplayName, newLabels, type, source, destination, newObjects,
                newPerformance, state, phase, error, createTime, now, startTime, endTime, overwriteDestination,
                newReliability);
    }
}
