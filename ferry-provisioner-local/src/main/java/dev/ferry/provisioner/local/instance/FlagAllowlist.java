package dev.ferry.provisioner.local.instance;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The server settings a managed instance may be given: tuning that cannot run commands, load code, read or
 * write files or paths of its choosing, or change where the server listens or how clients authenticate
 * (memory, parallelism, WAL or binary log sizing, the replication settings Ferry needs, logging levels,
 * timeouts, vacuum). Every other name, an unknown one included, is refused with the list of what is allowed,
 * since a deny list misses the next dangerous setting. Some allowed names take only some values
 * ({@code valueRules}). Names compare case-insensitively, with {@code -} and {@code _} alike when
 * {@code dashesAreUnderscores}. Immutable and thread-safe.
 */
public record FlagAllowlist(String engine, Set<String> names, Map<String, ValueRule> valueRules, boolean dashesAreUnderscores) {

    /** A rule on the value of one allowed setting, with the sentence said when it is broken. */
    public record ValueRule(Predicate<String> allows, String expectation) {}

    public FlagAllowlist {
        names = Set.copyOf(names);
        valueRules = Map.copyOf(valueRules);
    }

    /** Throws INVALID_ARGUMENT naming the first flag that is not allowed, or whose value is not. */
    public void check(Map<String, String> flags) {
        for (var flag : new java.util.TreeMap<>(flags).entrySet()) {
            String key = flag.getKey();
            String value = flag.getValue();
            String name = normalized(key);
            if (!names.contains(name)) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("%s flag '%s' is not allowed: managed instances take only "
                        + "tuning settings that cannot run commands, load code, touch files or paths, or change where the "
                        + "server listens or how it authenticates. Allowed: %s").formatted(engine, key,
                        String.join(", ", new TreeSet<>(names))));
            }
            if (value == null || value.contains("\n") || value.contains("\r") || value.contains("\0")) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, "%s flag '%s' needs a one-line value".formatted(engine, key));
            }
            ValueRule rule = valueRules.get(name);
            if (rule != null && !rule.allows().test(value)) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "%s flag '%s' cannot be '%s': %s".formatted(engine, key, value, rule.expectation()));
            }
        }
    }

    private String normalized(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return dashesAreUnderscores ? k.replace('-', '_') : k;
    }
}
