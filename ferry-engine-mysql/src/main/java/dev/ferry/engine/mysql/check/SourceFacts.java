package dev.ferry.engine.mysql.check;

import dev.ferry.engine.mysql.Flavor;
import java.util.List;
import java.util.Map;

/**
 * What the checks read from a source: its address for messages, flavor, the global variables that replication
 * depends on (lower-case names; absent when the server has no such variable), the user's grants and account
 * ({@code 'user'@'host'}), the databases to migrate, and tables as readable names: those not in InnoDB (with their
 * engine) and those without a primary key. Immutable.
 */
public record SourceFacts(String server, Flavor flavor, Map<String, String> variables, Grants grants, String account,
        List<String> databases, List<String> nonInnodbTables, List<String> tablesWithoutPrimaryKey) {
    public SourceFacts {
        variables = Map.copyOf(variables);
        databases = List.copyOf(databases);
        nonInnodbTables = List.copyOf(nonInnodbTables);
        tablesWithoutPrimaryKey = List.copyOf(tablesWithoutPrimaryKey);
    }

    String variable(String name) {
        return variables.getOrDefault(name, "");
    }

    boolean on(String name) {
        String v = variable(name);
        return v.equalsIgnoreCase("ON") || v.equals("1");
    }
}
