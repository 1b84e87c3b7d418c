package dev.ferry.control.profile;

import dev.ferry.control.declare.Changes;
import dev.ferry.control.declare.FieldChange;
import dev.ferry.control.declare.PlanEntry;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.ConnectionSpec;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ManagedInstance;
import java.util.List;
import java.util.Map;

/**
 * What making a stored profile match its declaration changes, field by field. An existing server's connection may
 * change (unless unfinished jobs hold it, which the caller checks); a managed instance keeps what it was created
 * with, and only its display name and labels change. Pure.
 */
final class ProfileDiff {
    private ProfileDiff() {}

    /** The fields a new profile is created with, secrets shown as {@code set}. */
    static List<FieldChange> creation(ProfileRequest desired) {
        Changes changes = new Changes().field("displayName", null, blankToNull(desired.displayName()))
                .field("labels", null, desired.labels() == null || desired.labels().isEmpty() ? null : desired.labels());
        switch (desired.spec()) {
            case DatabaseConnection c -> connection(changes, c.engine().id(), null, c);
            case ManagedInstance m -> changes.field("managedInstance.engine", null, m.engine().id())
                    .field("managedInstance.version", null, m.version())
                    .field("managedInstance.port", null, m.port())
                    .field("managedInstance.databaseFlags", null, m.databaseFlags().isEmpty() ? null : m.databaseFlags())
                    .secret("managedInstance.rootPassword", null, m.rootPassword())
                    .field("managedInstance.provisioner", null, m.provisioner());
        }
        return changes.list();
    }

    /** The changes to {@code current}; {@link Outcome#refusal} says why they cannot be made, when they cannot. */
    static Outcome diff(ConnectionProfile current, ProfileRequest desired) {
        Changes changes = new Changes()
                .field("displayName", blankToNull(current.displayName()), blankToNull(desired.displayName()))
                .field("labels", current.labels(), desired.labels() == null ? Map.of() : desired.labels());
        ConnectionSpec was = current.spec();
        ConnectionSpec wanted = desired.spec();
        if (!kind(was).equals(kind(wanted))) {
            return new Outcome(changes.field("kind", kind(was), kind(wanted)).list(), ("Connection profile %s is %s and "
                    + "cannot become %s; delete it (ferry connection-profiles delete %s) and apply again, or give the "
                    + "new server another name").formatted(current.name(), kind(was), kind(wanted), current.name()));
        }
        return switch (was) {
            case DatabaseConnection c -> {
                connection(changes, c.engine().id(), c, (DatabaseConnection) wanted);
                yield new Outcome(changes.list(), null);
            }
            case ManagedInstance m -> managed(current.name(), changes, m, (ManagedInstance) wanted);
        };
    }

    /** The changes, and why they cannot be made (null when they can). */
    record Outcome(List<FieldChange> changes, String refusal) {}

    private static Outcome managed(String name, Changes changes, ManagedInstance was, ManagedInstance wanted) {
        int before = changes.list().size();
        String prefix = "managedInstance.";
        // Left out, the version and port stay what the instance was created with (the newest, a free port).
        changes.field(prefix + "version", was.version(), wanted.version() == null ? was.version() : wanted.version())
                .field(prefix + "port", was.port(), wanted.port() == null ? was.port() : wanted.port())
                .field(prefix + "databaseFlags", was.databaseFlags(), wanted.databaseFlags())
                .field(prefix + "provisioner", was.provisioner(), wanted.provisioner());
        Secret root = was.rootPassword() != null ? was.rootPassword() : was.endpoint() == null ? null : was.endpoint().password();
        if (wanted.rootPassword() != null) {
            // Left out, the root password stays whatever it is (given or generated); given, it must be the one kept.
            changes.secret(prefix + "rootPassword", root, wanted.rootPassword());
        }
        List<FieldChange> all = changes.list();
        if (all.size() == before) {
            return new Outcome(all, null);
        }
        List<String> fixed = all.subList(before, all.size()).stream().map(FieldChange::field).toList();
        return new Outcome(all, ("Connection profile %s is a managed instance; its %s cannot change after it is created "
                + "(only displayName and labels can). Put back the values it was created with, or delete it (ferry "
                + "connection-profiles delete %s --force, which deletes its data) and apply again")
                .formatted(name, String.join(", ", fixed), name));
    }

    private static void connection(Changes changes, String engine, DatabaseConnection was, DatabaseConnection wanted) {
        String p = engine + ".";
        changes.field(p + "host", was == null ? null : was.host(), wanted.host())
                .field(p + "port", was == null ? null : was.port(), wanted.port())
                .field(p + "username", was == null ? null : was.username(), wanted.username())
                .secret(p + "password", was == null ? null : was.password(), wanted.password())
                .field(p + "database", was == null ? null : was.database(), wanted.database())
                .field(p + "ssl.mode", was == null ? null : was.sslMode().id(), wanted.sslMode().id())
                .opaque(p + "ssl.caCertificate", was == null ? null : was.tls().caCertificate(), wanted.tls().caCertificate())
                .opaque(p + "ssl.clientCertificate", was == null ? null : was.tls().clientCertificate(),
                        wanted.tls().clientCertificate())
                .secret(p + "ssl.clientKey", was == null ? null : was.tls().clientKey(), wanted.tls().clientKey())
                .field(p + "ssl.allowPublicKeyRetrieval", was == null ? null : was.tls().allowPublicKeyRetrieval(),
                        was == null && !wanted.tls().allowPublicKeyRetrieval() ? null : wanted.tls().allowPublicKeyRetrieval());
    }

    /** Whether {@code a} and {@code b} reach the same server the same way, credentials and TLS included. */
    static boolean sameConnection(DatabaseConnection a, DatabaseConnection b) {
        Changes changes = new Changes();
        connection(changes, a.engine().id(), a, b);
        return a.engine() == b.engine() && changes.isEmpty();
    }

    private static String kind(ConnectionSpec spec) {
        return switch (spec) {
            case DatabaseConnection c -> "an existing " + c.engine().id() + " server";
            case ManagedInstance m -> "a managed " + m.engine().id() + " instance";
        };
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** The entry for a profile that does not exist yet. */
    static PlanEntry create(ProfileRequest desired) {
        return PlanEntry.of(PlanEntry.PROFILE, desired.name(), true, creation(desired), null);
    }
}
