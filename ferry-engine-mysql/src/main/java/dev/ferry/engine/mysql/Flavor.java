package dev.ferry.engine.mysql;

import java.util.Locale;

/** The two server families behind {@code EngineKind.MYSQL}, detected from what the server says about itself. */
public enum Flavor {
    MARIADB("mariadb"),
    MYSQL("mysql");

    private final String id;

    Flavor(String id) {
        this.id = id;
    }

    /** The lower-case name reported in {@code ServerInfo.flavor()}. */
    public String id() {
        return id;
    }

    /** MariaDB says so in {@code VERSION()} or {@code @@version_comment}; everything else is MySQL. */
    public static Flavor detect(String version, String versionComment) {
        String all = (version == null ? "" : version) + " " + (versionComment == null ? "" : versionComment);
        return all.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }
}
