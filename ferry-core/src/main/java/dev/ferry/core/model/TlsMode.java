package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;

/**
 * How a connection to a database uses TLS, in libpq's words; MySQL's names are accepted as synonyms.
 * {@link #PREFER} tries TLS and goes on without it when the server offers none, for that one connection
 * only; {@link #REQUIRE} encrypts without checking who answers; {@link #VERIFY_CA} also checks that a
 * trusted CA signed the server's certificate; {@link #VERIFY_FULL} also checks that the certificate names
 * the host connected to. New profiles default to {@link #DEFAULT}.
 */
public enum TlsMode {
    DISABLE("disable", "DISABLED"),
    PREFER("prefer", "PREFERRED"),
    REQUIRE("require", "REQUIRED"),
    VERIFY_CA("verify-ca", "VERIFY_CA"),
    VERIFY_FULL("verify-full", "VERIFY_IDENTITY");

    /** The mode of a profile that names none. */
    public static final TlsMode DEFAULT = REQUIRE;
    /** The mode of profiles stored before Ferry had a default: they keep it. */
    public static final TlsMode LEGACY_DEFAULT = PREFER;

    private final String id;
    private final String mysqlName;

    TlsMode(String id, String mysqlName) {
        this.id = id;
        this.mysqlName = mysqlName;
    }

    /** The libpq name, such as {@code verify-full}: what the API answers and the store keeps. */
    public String id() {
        return id;
    }

    /** MySQL's name, such as {@code VERIFY_IDENTITY}. */
    public String mysqlName() {
        return mysqlName;
    }

    /** Whether every connection in this mode is encrypted (no fallback to plain text). */
    public boolean alwaysEncrypts() {
        return this == REQUIRE || verifiesCertificate();
    }

    /** Whether the server's certificate must be signed by a trusted CA. */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** Whether the server's certificate must also name the host connected to. */
    public boolean verifiesHostName() {
        return this == VERIFY_FULL;
    }

    /**
     * The mode named by {@code text}: a libpq name ({@code disable, prefer, require, verify-ca, verify-full};
     * {@code allow} reads as prefer) or a MySQL one ({@code DISABLED, PREFERRED, REQUIRED, VERIFY_CA,
     * VERIFY_IDENTITY}), in any case. Null or blank gives null.
     */
    public static TlsMode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "disable", "disabled" -> DISABLE;
            case "allow", "prefer", "preferred" -> PREFER;
            case "require", "required" -> REQUIRE;
            case "verify-ca" -> VERIFY_CA;
            case "verify-full", "verify-identity" -> VERIFY_FULL;
            default -> throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("TLS mode '%s' is not one of disable, prefer, "
                    + "require, verify-ca, verify-full (or MySQL's DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY)")
                    .formatted(text));
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
