package dev.ferry.engine.mysql.schema;

import java.util.regex.Pattern;

/** Removes the DEFINER clause from CREATE VIEW, PROCEDURE, FUNCTION, TRIGGER and EVENT statements. Pure. */
public final class Definers {
    private static final String NAME = "(?:`(?:[^`]|``)*`|'(?:[^'\\\\]|\\\\.|'')*'|[\\w.%$-]+(?:\\(\\))?)";
    private static final Pattern DEFINER = Pattern.compile(
            "^(\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ALGORITHM\\s*=\\s*\\w+\\s+)?)DEFINER\\s*=\\s*" + NAME
                    + "(?:\\s*@\\s*" + NAME + ")?\\s+",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private Definers() {}

    /** The statement without its DEFINER clause; unchanged when it has none. */
    public static String strip(String ddl) {
        return DEFINER.matcher(ddl).replaceFirst("$1");
    }

    /** Whether the statement names a definer. */
    public static boolean hasDefiner(String ddl) {
        return DEFINER.matcher(ddl).find();
    }
}
