package dev.ferry.engine.postgres.database;

import dev.ferry.core.Dialect;
import dev.ferry.engine.postgres.catalog.DatabaseLocale;

/** Builds {@code CREATE DATABASE} statements that reproduce a source database's encoding and locale. Pure. */
public final class DatabaseCreator {
    private DatabaseCreator() {}

    /**
     * The statement creating {@code name} from template0 with {@code locale}. The locale provider is
     * kept when the destination supports it ({@code destinationMajor} 15+ for ICU, 17+ for builtin);
     * otherwise the database falls back to libc with the same LC_COLLATE and LC_CTYPE.
     */
    public static String createStatement(String name, DatabaseLocale locale, int destinationMajor) {
        Dialect d = Dialect.POSTGRESQL;
        StringBuilder sql = new StringBuilder("CREATE DATABASE ").append(d.quote(name))
                .append(" TEMPLATE template0 ENCODING ").append(d.literal(locale.encoding()))
                .append(" LC_COLLATE ").append(d.literal(locale.collate()))
                .append(" LC_CTYPE ").append(d.literal(locale.ctype()));
        if (locale.locale() != null) {
            if (locale.provider().equals("i") && destinationMajor >= 15) {
                sql.append(" LOCALE_PROVIDER icu ICU_LOCALE ").append(d.literal(locale.locale()));
            } else if (locale.provider().equals("b") && destinationMajor >= 17) {
                sql.append(" LOCALE_PROVIDER builtin BUILTIN_LOCALE ").append(d.literal(locale.locale()));
            }
        }
        return sql.toString();
    }

    /** Whether {@link #createStatement} keeps the source's locale provider on this destination. */
    public static boolean keepsProvider(DatabaseLocale locale, int destinationMajor) {
        return switch (locale.provider()) {
            case "i" -> destinationMajor >= 15;
            case "b" -> destinationMajor >= 17;
            default -> true;
        };
    }
}
