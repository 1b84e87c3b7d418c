package dev.ferry.engine.postgres.catalog;

import java.util.Map;

/**
 * Decides whether values of a type can cross between two servers in binary COPY format. Binary
 * arrays carry their element type's oid and binary composites carry each field's type oid, and the
 * receiving server rejects oids that differ from its own; user-defined types get different oids on
 * each server. So a type is portable unless it contains, at any depth through domains, ranges and
 * arrays, a composite or an array whose element is not a built-in type. Pure and thread-safe.
 */
public final class BinaryFormatRule {
    private static final int MAX_DEPTH = 32;

    private BinaryFormatRule() {}

    /** True when values of {@code oid} can be copied in binary; unknown types are not portable. */
    public static boolean portable(long oid, Map<Long, PgType> types) {
        return portable(oid, types, 0);
    }

    private static boolean portable(long oid, Map<Long, PgType> types, int depth) {
        PgType type = types.get(oid);
        if (type == null || depth > MAX_DEPTH) {
            return false;
        }
        if (type.kind() == 'c') {
            return false;
        }
        if (type.kind() == 'd') {
            return portable(type.baseType(), types, depth + 1);
        }
        if (type.rangeSubtype() != 0) {
            return portable(type.rangeSubtype(), types, depth + 1);
        }
        if (type.isArray()) {
            return type.element() < PgType.FIRST_NORMAL_OID && portable(type.element(), types, depth + 1);
        }
        return true;
    }
}
