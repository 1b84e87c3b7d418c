package dev.ferry.core.spi.engine;

import java.util.Objects;

/**
 * The names of what a job keeps on the source for change replication of one database: a replication slot
 * and a publication (PostgreSQL). An engine that keeps nothing on the source answers {@link #NONE}. The
 * control plane records these names before the objects are created and later drops exactly the recorded
 * names, never names computed again. Round-trips through {@link #text()} and {@link #parse(String)}.
 */
public record ReplicationObjects(String slot, String publication) {
    public static final ReplicationObjects NONE = new ReplicationObjects("", "");

    public ReplicationObjects {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(publication, "publication");
        if (slot.contains("\n") || publication.contains("\n")) {
            throw new IllegalArgumentException("replication object names are single lines");
        }
    }

    public boolean isNone() {
        return slot.isEmpty() && publication.isEmpty();
    }

    /** {@code slot=NAME\npublication=NAME}. */
    public String text() {
        return "slot=" + slot + "\npublication=" + publication;
    }

    public static ReplicationObjects parse(String text) {
        String slot = null;
        String publication = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("slot=")) {
                slot = line.substring("slot=".length());
            } else if (line.startsWith("publication=")) {
                publication = line.substring("publication=".length());
            }
        }
        if (slot == null || publication == null) {
            throw new IllegalArgumentException("not a replication objects record: " + text);
        }
        return new ReplicationObjects(slot, publication);
    }
}
