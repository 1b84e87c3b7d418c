package dev.ferry.engine.postgres.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads {@code pg_type} rows for a set of types and every type they are built from. */
public final class TypeCatalog {
    private static final String QUERY = "SELECT t.oid, t.typtype, t.typelem, t.typbasetype, t.typlen, "
            + "coalesce((SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid), "
            + "(SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid), 0) "
            + "FROM pg_catalog.pg_type t WHERE t.oid = ANY (?)";

    private TypeCatalog() {}

    /** The types {@code oids} and, transitively, their elements, base types and range subtypes. */
    public static Map<Long, PgType> closure(Connection c, Collection<Long> oids) throws SQLException {
        Map<Long, PgType> types = new HashMap<>();
        Set<Long> pending = new HashSet<>(oids);
        boolean multiranges = c.getMetaData().getDatabaseMajorVersion() >= 14;
        String sql = multiranges ? QUERY : QUERY.replace(
                "(SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid), ", "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            while (!pending.isEmpty()) {
                Array array = c.createArrayOf("oid", pending.toArray());
                ps.setArray(1, array);
                pending.clear();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        PgType type = new PgType(rs.getLong(1), rs.getString(2).charAt(0), rs.getLong(3),
                                rs.getLong(4), rs.getInt(5), rs.getLong(6));
                        types.put(type.oid(), type);
                        for (long next : new long[] {type.element(), type.baseType(), type.rangeSubtype()}) {
                            if (next != 0 && !types.containsKey(next)) {
                                pending.add(next);
                            }
                        }
                    }
                }
                array.free();
            }
        }
        return types;
    }
}
