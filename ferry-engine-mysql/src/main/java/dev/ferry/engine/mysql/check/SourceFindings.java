package dev.ferry.engine.mysql.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.engine.mysql.Flavor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns {@link SourceFacts} into findings with stable codes, each naming what is wrong and the statement that fixes it. Pure. */
public final class SourceFindings {
    /** Read on each migrated database: rows, view, trigger, event and routine definitions. */
    static final List<String> DATABASE_PRIVILEGES = List.of("SELECT", "SHOW VIEW", "TRIGGER", "EVENT", "EXECUTE");
    private static final long ONE_DAY_SECONDS = 86_400;
    private static final int NAMED = 10;

    private SourceFindings() {}

    public static List<Finding> evaluate(SourceFacts f, boolean continuous) {
        List<Finding> findings = new ArrayList<>();
        if (continuous) {
            binlog(f, findings);
        }
        privileges(f, continuous, findings);
        if (!f.nonInnodbTables().isEmpty()) {
            findings.add(new Finding("NON_INNODB_TABLES", Severity.WARNING,
                    ("%d table(s) on %s do not use InnoDB: %s. A consistent snapshot cannot cover them, so each stays read-locked"
                            + " (writes to it wait) from the snapshot until it is copied").formatted(f.nonInnodbTables().size(),
                            f.server(), named(f.nonInnodbTables())),
                    "Convert them before migrating where possible, e.g. ALTER TABLE <database>.<table> ENGINE=InnoDB",
                    named(f.nonInnodbTables())));
        }
        if (!f.tablesWithoutPrimaryKey().isEmpty()) {
            findings.add(new Finding("TABLES_WITHOUT_PRIMARY_KEY", Severity.WARNING,
                    ("%d table(s) on %s have no primary key: %s. Without a unique key on NOT NULL columns such a table is copied"
                            + " in one piece (no parallel ranges, no resume within it)%s").formatted(f.tablesWithoutPrimaryKey().size(),
                            f.server(), named(f.tablesWithoutPrimaryKey()), continuous
                                    ? ", and replicated changes find their row by comparing every column (slow on large tables)" : ""),
                    "Add a primary key where possible, e.g. ALTER TABLE <database>.<table> ADD PRIMARY KEY (<columns>)",
                    named(f.tablesWithoutPrimaryKey())));
        }
        return findings;
    }

    private static void binlog(SourceFacts f, List<Finding> findings) {
        if (!f.on("log_bin")) {
            findings.add(new Finding("BINLOG_DISABLED", Severity.ERROR,
                    "Binary logging is off on the source %s; continuous replication reads the binary log".formatted(f.server()),
                    "Start the source with log_bin=mysql-bin, binlog_format=ROW, binlog_row_image=FULL and a unique server_id"
                            + " in its option file, and restart it", f.server()));
            return;
        }
        String format = f.variable("binlog_format");
        if (!format.equalsIgnoreCase("ROW")) {
            findings.add(new Finding("BINLOG_FORMAT", Severity.ERROR,
                    "The source %s logs binlog_format=%s; replication needs every row change (ROW)".formatted(f.server(), format),
                    "SET GLOBAL binlog_format = 'ROW'; and binlog_format=ROW in the option file (open sessions keep their"
                            + " format until they reconnect)", f.server()));
        }
        String image = f.variable("binlog_row_image");
        if (!image.isEmpty() && !image.equalsIgnoreCase("FULL")) {
            findings.add(new Finding("BINLOG_ROW_IMAGE", Severity.ERROR,
                    "The source %s logs binlog_row_image=%s; replication needs whole rows (FULL)".formatted(f.server(), image),
                    "SET GLOBAL binlog_row_image = 'FULL'; and binlog_row_image=FULL in the option file", f.server()));
        }
        if (f.variable("server_id").equals("0")) {
            findings.add(new Finding("SERVER_ID", Severity.ERROR,
                    "The source %s has server_id=0 and refuses replication clients".formatted(f.server()),
                    "SET GLOBAL server_id = <a number unique among your servers>; and the same in the option file", f.server()));
        }
        if (f.flavor() == Flavor.MYSQL) {
            boolean gtids = f.variable("gtid_mode").equalsIgnoreCase("ON");
            findings.add(gtids
                    ? new Finding("GTID_MODE", Severity.INFO, "GTIDs are on at the source %s; replication positions carry them"
                            .formatted(f.server()), null, f.server())
                    : new Finding("GTID_MODE", Severity.WARNING, ("GTIDs are off at the source %s (gtid_mode=%s): replication"
                            + " follows binlog file and offset, which do not survive a failover of the source")
                            .formatted(f.server(), f.variable("gtid_mode")),
                            "To survive failovers, enable GTIDs: SET GLOBAL enforce_gtid_consistency = ON; then SET GLOBAL"
                                    + " gtid_mode = OFF_PERMISSIVE, ON_PERMISSIVE, ON in turn", f.server()));
        }
        long retention = retentionSeconds(f);
        if (retention > 0 && retention < ONE_DAY_SECONDS) {
            findings.add(new Finding("BINLOG_RETENTION", Severity.WARNING,
                    ("The source %s keeps binary logs for %d s only; if the full load takes longer, replication cannot start"
                            + " where the load began").formatted(f.server(), retention),
                    "SET GLOBAL binlog_expire_logs_seconds = 604800; (expire_logs_days = 7 on older servers), and the same in the"
                            + " option file: at least the full load's expected duration plus a margin", f.server()));
        }
    }

    /** Seconds binary logs are kept; 0 when they never expire. */
    static long retentionSeconds(SourceFacts f) {
        double seconds = parse(f.variable("binlog_expire_logs_seconds"));
        if (seconds <= 0) {
            seconds = parse(f.variable("expire_logs_days")) * ONE_DAY_SECONDS;
        }
        return (long) seconds;
    }

    private static double parse(String v) {
        try {
            return v.isEmpty() ? 0 : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void privileges(SourceFacts f, boolean continuous, List<Finding> findings) {
        Grants g = f.grants();
        Map<String, List<String>> missingByDatabase = new LinkedHashMap<>();
        List<String> lockTables = new ArrayList<>();
        for (String db : f.databases()) {
            List<String> missing = DATABASE_PRIVILEGES.stream().filter(p -> !g.on(p, db)).toList();
            if (!missing.isEmpty()) {
                missingByDatabase.put(db, missing);
            }
            if (!g.on("LOCK TABLES", db)) {
                lockTables.add(db);
            }
        }
        List<String> missingGlobal = continuous
                ? List.of("REPLICATION SLAVE", "REPLICATION CLIENT").stream().filter(p -> !g.global(p)).toList() : List.of();
        String roles = g.viaRoles() ? " (privileges the user holds through roles are not counted)" : "";
        if (!missingByDatabase.isEmpty() || !missingGlobal.isEmpty()) {
            List<String> what = new ArrayList<>();
            List<String> statements = new ArrayList<>();
            missingByDatabase.forEach((db, privileges) -> {
                what.add(String.join(", ", privileges) + " on " + Dialect.MYSQL.quote(db));
                statements.add("GRANT %s ON %s.* TO %s;".formatted(String.join(", ", privileges), Dialect.MYSQL.quote(db), f.account()));
            });
            if (!missingGlobal.isEmpty()) {
                what.add(String.join(", ", missingGlobal) + " on *.*");
                statements.add("GRANT %s ON *.* TO %s;".formatted(String.join(", ", missingGlobal), f.account()));
            }
            findings.add(new Finding("MISSING_PRIVILEGES", Severity.ERROR,
                    "The source user %s on %s lacks %s%s".formatted(f.account(), f.server(), String.join("; ", what), roles),
                    String.join(" ", statements), f.account()));
        }
        List<String> degraded = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        if (!g.global("RELOAD")) {
            degraded.add("RELOAD: FLUSH TABLES WITH READ LOCK is refused, so one snapshot connection copies every table in"
                    + " turn (no parallel copy)" + (f.flavor() == Flavor.MYSQL && continuous ? " and MySQL cannot tie a binlog"
                            + " position to the snapshot" : ""));
            statements.add("GRANT RELOAD ON *.* TO %s;".formatted(f.account()));
        }
        if (!lockTables.isEmpty() && !f.nonInnodbTables().isEmpty()) {
            degraded.add("LOCK TABLES on " + lockTables.stream().map(Dialect.MYSQL::quote).collect(Collectors.joining(", "))
                    + ": tables not in InnoDB cannot be held consistent with the snapshot");
            lockTables.forEach(db -> statements.add("GRANT LOCK TABLES ON %s.* TO %s;".formatted(Dialect.MYSQL.quote(db), f.account())));
        }
        if (!degraded.isEmpty()) {
            findings.add(new Finding("MISSING_PRIVILEGES", Severity.WARNING,
                    "The source user %s on %s lacks %s%s".formatted(f.account(), f.server(), String.join("; ", degraded), roles),
                    String.join(" ", statements), f.account()));
        }
    }

    /** The first few names, and how many more. */
    static String named(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMED, names.size())));
        return names.size() > NAMED ? shown + " and %d more".formatted(names.size() - NAMED) : shown;
    }
}
