package dev.ferry.core.model;

/** How much a finding or an event matters. ERROR findings block a start; WARNING findings do not. */
public enum Severity {
    INFO,
    WARNING,
    ERROR
}
