package dev.ferry.engine.mysql.check;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Turns {@link DestinationFacts} into findings with stable codes and the statements that fix them. Pure. */
public final class DestinationFindings {
    private DestinationFindings() {}

    public static List<Finding> evaluate(DestinationFacts f) {
        List<Finding> findings = new ArrayList<>();
        if (!f.localInfile()) {
            findings.add(new Finding("LOCAL_INFILE_DISABLED", Severity.WARNING,
                    ("local_infile is OFF on the destination %s: the tables Ferry loads with LOAD DATA LOCAL (every table on"
                            + " MySQL; on MariaDB, those with MEDIUM or LONG BLOB/TEXT, JSON or spatial columns, unless its"
                            + " max_allowed_packet exceeds the source's by 1 MiB) are loaded with batched INSERTs instead, several"
                            + " times slower").formatted(f.server()),
                    "SET GLOBAL local_infile = 1; on the destination (and local_infile=1 in its option file)", f.server()));
        }
        if (!f.definersChecked()) {
            findings.add(new Finding("MISSING_DEFINERS", Severity.WARNING,
                    ("The destination user %s may not read mysql.user on %s, so Ferry cannot check that the DEFINER accounts"
                            + " of the source's views, routines, triggers and events exist there").formatted(f.account(), f.server()),
                    "GRANT SELECT ON mysql.user TO %s; or check the accounts by hand".formatted(f.account()), f.server()));
        } else if (!f.missingDefiners().isEmpty()) {
            List<String> described = new ArrayList<>();
            List<String> statements = new ArrayList<>();
            new TreeMap<>(f.missingDefiners()).forEach((account, objects) -> {
                described.add(account + " (" + SourceFindings.named(objects) + ")");
                statements.add("CREATE USER %s ACCOUNT LOCK;".formatted(account));
            });
            findings.add(new Finding("MISSING_DEFINERS", Severity.ERROR,
                    ("%d DEFINER account(s) of source objects do not exist on the destination %s: %s; these objects would fail"
                            + " when used").formatted(f.missingDefiners().size(), f.server(), String.join("; ", described)),
                    String.join(" ", statements) + " on the destination, then grant them what the objects need (SHOW GRANTS"
                            + " FOR each account on the source); or rewrite those objects' DEFINER on the source to an account"
                            + " that exists on both servers",
                    String.join(", ", new TreeMap<>(f.missingDefiners()).keySet())));
        }
        if (f.binlog() && !f.trustFunctionCreators() && !f.grants().global("SUPER") && f.functionsAndTriggers() > 0) {
            findings.add(new Finding("BINLOG_TRUST_FUNCTION_CREATORS", Severity.ERROR,
                    ("The destination %s writes a binary log and its user %s lacks SUPER: creating the source's %d stored"
                            + " function(s) and trigger(s) will be refused").formatted(f.server(), f.account(), f.functionsAndTriggers()),
                    "SET GLOBAL log_bin_trust_function_creators = 1; on the destination (and in its option file), or GRANT SUPER"
                            + " ON *.* TO %s;".formatted(f.account()), f.server()));
        }
        return findings;
    }
}
