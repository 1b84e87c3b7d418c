package dev.ferry.core.model;

import java.time.Instant;

/** One line of a job's event log, for people: phase changes, measured facts, warnings, failures. */
public record JobEvent(long id, String job, Instant time, Severity severity, String message) {}
