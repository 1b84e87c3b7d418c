package dev.ferry.engine.postgres.compare;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.UserObjects;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one database's catalogs say beyond pg_dump's text, as far as a schema comparison needs it: the
 * columns of its relations (type, NOT NULL, default, generation expression, collation, identity), the CHECK
 * constraints pg_dump writes inside CREATE TABLE, the signatures of its routines, and which table or domain
 * each constraint, trigger, rule and policy belongs to (keyed by pg_dump's tag, which joins their names with a
 * space). Expressions and types are read with an empty {@code search_path}, as pg_dump prints them.
 */
public record CatalogShapes(int major, String currentUser, Map<TableRef, Relation> relations,
        Map<TableRef, Map<String, String>> checks, Map<EntryKey, Routine> routines, Map<EntryKey, Member> members) {

    public CatalogShapes {
        relations = Map.copyOf(relations);
        checks = Map.copyOf(checks);
        routines = Map.copyOf(routines);
        members = Map.copyOf(members);
    }

    /** A relation: its kind ({@code r, p, f, v, m}) and columns in order. */
    public record Relation(char kind, List<Column> columns) {
        public Relation {
            columns = List.copyOf(columns);
        }
    }

    /**
     * A column as a definition states it. {@code defaultExpression} is null without a default (and for
     * generated columns, whose expression is {@code generation}); {@code collation} is null when the type's;
     * {@code identity} is {@code 'a'} (always), {@code 'd'} (by default) or {@code ' '} with its sequence's
     * options, else null.
     */
    public record Column(String name, String type, boolean notNull, String defaultExpression, String generation,
            String collation, char identity, IdentitySequence sequence) {}

    /** The sequence behind an identity column: its name and options. */
    public record IdentitySequence(String schema, String name, long start, long increment, long min, long max, long cache,
            boolean cycle) {
        /** The options as ALTER/CREATE ... IDENTITY take them, after {@code prefix} (empty or "SET "). */
        String options(String prefix) {
            return "%sSTART WITH %d %sINCREMENT BY %d %sMINVALUE %d %sMAXVALUE %d %sCACHE %d %s%sCYCLE".formatted(prefix,
                    start, prefix, increment, prefix, min, prefix, max, prefix, cache, prefix, cycle ? "" : "NO ");
        }
    }

    /** A function, procedure or aggregate: name, identity arguments, result and input argument names. */
    public record Routine(String schema, String name, String identityArguments, String result, String argumentNames) {}

    /** A constraint, trigger, rule or policy: the table (or domain, {@code onDomain}) it belongs to and its name. */
    public record Member(String schema, String owner, String name, boolean onDomain) {}

    /** Reads the current database's catalogs; sets the session's {@code search_path} to empty. */
    public static CatalogShapes read(Connection c) throws SQLException {
        int major = c.getMetaData().getDatabaseMajorVersion();
        String user;
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_catalog.set_config('search_path', '', false)");
            try (ResultSet rs = st.executeQuery("SELECT current_user")) {
                rs.next();
                user = rs.getString(1);
            }
        }
        return new CatalogShapes(major, user, relations(c, major), checks(c), routines(c), members(c));
    }

    private static Map<TableRef, Relation> relations(Connection c, int major) throws SQLException {
        String generated = major >= 12 ? "a.attgenerated::text" : "''";
        String sql = "SELECT n.nspname, c.relname, c.relkind::text, a.attname, "
                + "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
                + generated + ", a.attidentity::text, CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 "
                + "THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END, "
                + "sn.nspname, sc.relname, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                + "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
                + "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "LEFT JOIN pg_catalog.pg_depend dep ON a.attidentity <> '' "
                + "AND dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjid = a.attrelid "
                + "AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' "
                + "LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid "
                + "LEFT JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid "
                + "LEFT JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
                + "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND " + UserObjects.USER_SCHEMA
                + " ORDER BY n.nspname, c.relname, a.attnum";
        Map<TableRef, Character> kinds = new LinkedHashMap<>();
        Map<TableRef, List<Column>> columns = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                TableRef ref = new TableRef(rs.getString(1), rs.getString(2));
                kinds.put(ref, rs.getString(3).charAt(0));
                List<Column> list = columns.computeIfAbsent(ref, r -> new ArrayList<>());
                if (rs.getString(4) == null) {
                    continue;
                }
                String expression = rs.getString(7);
                boolean isGenerated = !rs.getString(8).isEmpty();
                String identity = rs.getString(9);
                IdentitySequence sequence = rs.getString(12) == null ? null : new IdentitySequence(rs.getString(11),
                        rs.getString(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17),
                        rs.getBoolean(18));
                list.add(new Column(rs.getString(4), rs.getString(5), rs.getBoolean(6), isGenerated ? null : expression,
                        isGenerated ? expression : null, rs.getString(10), identity.isEmpty() ? ' ' : identity.charAt(0),
                        sequence));
            }
        }
        Map<TableRef, Relation> relations = new LinkedHashMap<>();
        kinds.forEach((ref, kind) -> relations.put(ref, new Relation(kind, columns.get(ref))));
        return relations;
    }

    /** CHECK constraints pg_dump writes inside CREATE TABLE: local and validated ones. */
    private static Map<TableRef, Map<String, String>> checks(Connection c) throws SQLException {
        Map<TableRef, Map<String, String>> checks = new HashMap<>();
        String sql = "SELECT n.nspname, c.relname, k.conname, pg_catalog.pg_get_constraintdef(k.oid) "
                + "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE k.contype = 'c' AND k.conislocal AND k.convalidated AND c.relkind IN ('r', 'p', 'f') AND "
                + UserObjects.USER_SCHEMA + " ORDER BY 1, 2, 3";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                checks.computeIfAbsent(new TableRef(rs.getString(1), rs.getString(2)), t -> new LinkedHashMap<>())
                        .put(rs.getString(3), rs.getString(4));
            }
        }
        return checks;
    }

    /** Routines keyed as pg_dump tags them: {@code name(type, type)} with the argument types only. */
    private static Map<EntryKey, Routine> routines(Connection c) throws SQLException {
        Map<EntryKey, Routine> routines = new HashMap<>();
        String sql = "SELECT n.nspname, p.proname || '(' || coalesce((SELECT pg_catalog.string_agg("
                + "pg_catalog.format_type(x.t, NULL), ', ' ORDER BY x.i) FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) "
                + "WITH ORDINALITY AS x(t, i)), '') || ')', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), "
                + "coalesce(pg_catalog.pg_get_function_result(p.oid), ''), "
                + "coalesce(pg_catalog.array_to_string(p.proargnames, ','), '') "
                + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE "
                + UserObjects.USER_SCHEMA;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Routine routine = new Routine(rs.getString(1), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6));
                for (String type : List.of("FUNCTION", "PROCEDURE", "AGGREGATE")) {
                    routines.put(new EntryKey(type, rs.getString(1), rs.getString(2)), routine);
                }
            }
        }
        return routines;
    }

    /** Constraints, triggers, rules and policies keyed by their entry types and tags ({@code "table name"}). */
    private static Map<EntryKey, Member> members(Connection c) throws SQLException {
        Map<EntryKey, Member> members = new HashMap<>();
        String constraints = "SELECT n.nspname, coalesce(r.relname, y.typname), k.conname, r.oid IS NULL "
                + "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace "
                + "LEFT JOIN pg_catalog.pg_class r ON r.oid = k.conrelid AND k.conrelid <> 0 "
                + "LEFT JOIN pg_catalog.pg_type y ON y.oid = k.contypid AND k.contypid <> 0 "
                + "WHERE (r.oid IS NOT NULL OR y.oid IS NOT NULL) AND " + UserObjects.USER_SCHEMA;
        read(c, constraints, List.of("CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT"), members);
        read(c, "SELECT n.nspname, r.relname, t.tgname, false FROM pg_catalog.pg_trigger t "
                + "JOIN pg_catalog.pg_class r ON r.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE NOT t.tgisinternal AND " + UserObjects.USER_SCHEMA, List.of("TRIGGER"), members);
        read(c, "SELECT n.nspname, r.relname, w.rulename, false FROM pg_catalog.pg_rewrite w "
                + "JOIN pg_catalog.pg_class r ON r.oid = w.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE w.rulename <> '_RETURN' AND " + UserObjects.USER_SCHEMA, List.of("RULE"), members);
        read(c, "SELECT n.nspname, r.relname, p.polname, false FROM pg_catalog.pg_policy p "
                + "JOIN pg_catalog.pg_class r ON r.oid = p.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE " + UserObjects.USER_SCHEMA, List.of("POLICY"), members);
        return members;
    }

    private static void read(Connection c, String sql, List<String> types, Map<EntryKey, Member> into) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Member member = new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4));
                for (String type : types) {
                    into.put(new EntryKey(type, member.schema(), member.owner() + " " + member.name()), member);
                }
            }
        }
    }
}
