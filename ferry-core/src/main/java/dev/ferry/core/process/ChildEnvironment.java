package dev.ferry.core.process;

import java.util.Map;
import java.util.TreeMap;

/**
 * The environment of a process Ferry starts (a database server, pg_dump, psql): only {@code PATH},
 * {@code LANG}, {@code LC_*} and {@code TZ} from Ferry's own, {@code HOME} of the user the process runs as,
 * and what the caller sets on purpose afterwards. Nothing else of Ferry's environment passes: not its
 * tokens, passwords ({@code FERRY_*}, {@code *_PASSWORD}) or any unrelated variable. Pure and thread-safe.
 */
public final class ChildEnvironment {
    private ChildEnvironment() {}

    /** What of {@code parent} a child sees, with {@code home} as HOME (null: the parent's HOME). */
    public static Map<String, String> minimal(Map<String, String> parent, String home) {
        var env = new TreeMap<String, String>();
        parent.forEach((key, value) -> {
            if (key.equals("PATH") || key.equals("LANG") || key.equals("TZ") || key.startsWith("LC_")) {
                env.put(key, value);
            }
        });
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        String h = home != null ? home : parent.get("HOME");
        if (h != null) {
            env.put("HOME", h);
        }
        return env;
    }

    /** Replaces {@code target} (a ProcessBuilder's environment) with the minimal one of this process. */
    public static void applyTo(Map<String, String> target, String home) {
        Map<String, String> env = minimal(System.getenv(), home);
        target.clear();
        target.putAll(env);
    }
}
