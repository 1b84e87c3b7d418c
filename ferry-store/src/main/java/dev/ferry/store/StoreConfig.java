package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the metadata store lives. {@code home} is Ferry's home directory (it holds the key file and,
 * by default, the H2 store). {@code jdbcUrl} null means the embedded H2 file at
 * {@code home/store/ferry}; otherwise a {@code jdbc:postgresql:} (or {@code jdbc:h2:}) URL.
 * {@code username} and {@code password} may be null (H2 then uses user {@code ferry} and no password).
 * {@code secretKeyFile} (a key file every node sharing the store reads) or {@code secretKey} (one base64 key from the
 * environment) replace the key file under the home; both null means {@code home/secret.key}.
 */
public record StoreConfig(Path home, String jdbcUrl, String username, Secret password, Path secretKeyFile,
        Secret secretKey) {

    /** The environment variable that may hold the secret key, base64. */
    public static final String SECRET_KEY_VARIABLE = "FERRY_SECRET_KEY";

    /** The H2 user when none is configured. */
    static final String DEFAULT_H2_USER = "ferry";

    /** The JDBC URLs of {@link #inMemory} stores start with this. */
    static final String IN_MEMORY_PREFIX = "jdbc:h2:mem:ferry-";

    public StoreConfig {
        if (home == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A Ferry home directory is required for the store");
        }
        home = home.toAbsolutePath().normalize();
        if (jdbcUrl != null && jdbcUrl.isBlank()) {
            jdbcUrl = null;
        }
        if (jdbcUrl == null && home.toString().indexOf(';') >= 0) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Ferry home %s contains ';', which the embedded H2 store cannot use; choose another home directory"
                            .formatted(home));
        }
        if (jdbcUrl != null) {
            SqlDialect.of(jdbcUrl);
        }
        if (username != null && username.isBlank()) {
            username = null;
        }
        if (secretKeyFile != null && secretKey != null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("Give the secret key one way: --secret-key-file or the "
                    + "environment variable %s, not both").formatted(SECRET_KEY_VARIABLE));
        }
    }

    /** A store whose secrets are sealed with the key in {@code home/secret.key}. */
    public StoreConfig(Path home, String jdbcUrl, String username, Secret password) {
        this(home, jdbcUrl, username, password, null, null);
    }

    /** The same store, its secrets sealed with the key in {@code file} or given as {@code key} (either may be null). */
    public StoreConfig withSecretKey(Path file, Secret key) {
        return new StoreConfig(home, jdbcUrl, username, password, file == null ? null : file.toAbsolutePath().normalize(), key);
    }

    /** The embedded H2 store under {@code home}. */
    public static StoreConfig embedded(Path home) {
        return new StoreConfig(home, null, null, null);
    }

    /**
     * An H2 store in this process's memory, with the key file under {@code home}: for a command whose state is thrown
     * away when it ends (a {@code ferry migrate} without a home to keep). Nothing of it reaches the disk, and the
     * schema is created directly, without Flyway's bookkeeping (see {@link Database}).
     */
    public static StoreConfig inMemory(Path home) {
        return new StoreConfig(home, IN_MEMORY_PREFIX + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null);
    }

    /** Whether several Ferry servers may share this store (a PostgreSQL store), and must then coordinate. */
    public boolean shared() {
        return dialect() == SqlDialect.POSTGRESQL;
    }

    /** Whether this is a store that lives in memory only. */
    boolean inMemoryOnly() {
        return jdbcUrl != null && jdbcUrl.startsWith(IN_MEMORY_PREFIX);
    }

    /** The directory holding the embedded H2 file (unused with an external URL). */
    public Path storeDirectory() {
        return home.resolve("store");
    }

    /** The key file that encrypts secrets at rest (unused when the key is given in the environment). */
    public Path keyFile() {
        return secretKeyFile != null ? secretKeyFile : home.resolve("secret.key");
    }

    /** Where the secret key comes from, for messages: the key file or the environment variable. */
    public String secretKeySource() {
        return secretKey != null ? "environment variable " + SECRET_KEY_VARIABLE : "key file " + keyFile();
    }

    SqlDialect dialect() {
        return jdbcUrl == null ? SqlDialect.H2 : SqlDialect.of(jdbcUrl);
    }

    /** The JDBC URL actually used: the configured one or the embedded H2 file. */
    String effectiveUrl() {
        if (jdbcUrl != null) {
            return jdbcUrl;
        }
        // WRITE_DELAY=0: a commit reaches the file before it returns, so a SIGKILL loses nothing committed.
        // DB_CLOSE_DELAY=-1: the pool may briefly hold no connection; the store shuts H2 down on close().
        // retry: an interrupted thread (a stopped job, a cancelled copy worker) closes a FileChannel it uses, and H2
        // would then close the whole database; this file system reopens the file and tries again.
        return "jdbc:h2:retry:" + storeDirectory().resolve("ferry")
                + ";AUTO_SERVER=FALSE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
    }

    String effectiveUser() {
        return username == null && dialect() == SqlDialect.H2 ? DEFAULT_H2_USER : username;
    }

    /** The store for messages and logs: the H2 file or the URL without parameters or credentials. */
    String display() {
        if (jdbcUrl == null) {
            return "H2 store " + storeDirectory().resolve("ferry");
        }
        String url = jdbcUrl;
        int query = url.indexOf('?');
        if (query >= 0) {
            url = url.substring(0, query);
        }
        int semicolon = url.indexOf(';');
        if (semicolon >= 0 && url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            url = url.substring(0, semicolon);
        }
        return url.replaceAll("//[^/@]*@", "//");
    }

    @Override
    public String toString() {
        return "StoreConfig[home=%s, store=%s, username=%s, secretKey=%s]".formatted(home, display(), username,
                secretKeySource());
    }
}
