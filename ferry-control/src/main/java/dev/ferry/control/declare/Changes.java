package dev.ferry.control.declare;

import dev.ferry.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Collects the fields that differ between a resource and its declaration. Not thread-safe; one per plan. */
public final class Changes {
    private final List<FieldChange> changes = new ArrayList<>();

    /** Records {@code field} when {@code from} and {@code to} differ; nulls read {@code (none)}. */
    public Changes field(String field, Object from, Object to) {
        if (!Objects.equals(from, to)) {
            changes.add(new FieldChange(field, show(from), show(to)));
        }
        return this;
    }

    /** Records a secret that differs, without showing either value. */
    public Changes secret(String field, Secret from, Secret to) {
        if (from == null && to == null || from != null && to != null && same(from, to)) {
            return this;
        }
        changes.add(new FieldChange(field, from == null ? "not set" : "set", to == null ? "not set" : from == null ? "set" : "changed"));
        return this;
    }

    /** Records a text, such as a certificate, that differs, without printing it. */
    public Changes opaque(String field, String from, String to) {
        if (!Objects.equals(from, to)) {
            changes.add(new FieldChange(field, from == null ? "not set" : "set", to == null ? "not set" : from == null ? "set" : "changed"));
        }
        return this;
    }

    public List<FieldChange> list() {
        return List.copyOf(changes);
    }

    /** The paths of the recorded fields. */
    public List<String> fields() {
        return changes.stream().map(FieldChange::field).toList();
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Two secrets compared in constant time. */
    public static boolean same(Secret a, Secret b) {
        return MessageDigest.isEqual(a.reveal().getBytes(StandardCharsets.UTF_8), b.reveal().getBytes(StandardCharsets.UTF_8));
    }

    private static String show(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Map<?, ?> map) {
            return new TreeMap<>(map).toString();
        }
        return String.valueOf(value);
    }
}
