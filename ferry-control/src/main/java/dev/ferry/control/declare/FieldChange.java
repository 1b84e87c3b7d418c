package dev.ferry.control.declare;

/**
 * One field that changes: its path in the declaration ({@code postgresql.host}) and its value before and after, as
 * shown to a person. A secret is never shown: its values read {@code set}, {@code not set} or {@code changed}.
 */
public record FieldChange(String field, String from, String to) {}
