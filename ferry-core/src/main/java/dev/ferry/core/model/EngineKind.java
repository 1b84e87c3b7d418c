package dev.ferry.core.model;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;

/** A database family Ferry can migrate. MariaDB is a flavor of {@link #MYSQL}, detected at connection time. */
public enum EngineKind {
    POSTGRESQL(Dialect.POSTGRESQL, 5432, "postgres"),
    MYSQL(Dialect.MYSQL, 3306, "root");

    private final Dialect dialect;
    private final int defaultPort;
    private final String defaultSuperuser;

    EngineKind(Dialect dialect, int defaultPort, String defaultSuperuser) {
        this.dialect = dialect;
        this.defaultPort = defaultPort;
        this.defaultSuperuser = defaultSuperuser;
    }

    public Dialect dialect() {
        return dialect;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public String defaultSuperuser() {
        return defaultSuperuser;
    }

    /** The lower-case name used in the API, the CLI and URLs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code postgresql}, {@code postgres}, {@code mysql} or {@code mariadb} (any case). */
    public static EngineKind parse(String text) {
        if (text == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "An engine is required: postgresql or mysql");
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres", "pg" -> POSTGRESQL;
            case "mysql", "mariadb" -> MYSQL;
            default -> throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Unknown engine '%s'; use postgresql or mysql (mysql covers MariaDB)".formatted(text));
        };
    }
}
