package dev.ferry.provisioner.local.instance;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.EngineKind;
import dev.ferry.provisioner.local.process.RunAs;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What is needed to start an instance again without its spec, kept in {@code instance.properties} in the
 * instance's directory. Never holds a password. {@code binaries} is PostgreSQL's bin directory or the
 * MariaDB server executable; {@code osUser} is null when the server runs as Ferry's own user;
 * {@code runDir} holds the socket, pid and server log; {@code version} is null until the server first ran.
 */
public record InstanceRecord(
        String name,
        EngineKind engine,
        Path binaries,
        int port,
        Map<String, String> flags,
        String osUser,
        Path dataDir,
        Path runDir,
        String version) {

    public static final String FILE_NAME = "instance.properties";
    private static final String FLAG_PREFIX = "flag.";

    public InstanceRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(binaries, "binaries");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(runDir, "runDir");
        flags = Map.copyOf(flags == null ? Map.of() : flags);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public RunAs runAs() {
        return new RunAs(osUser);
    }

    /** The server's log: PostgreSQL's {@code pg_ctl -l} file, MariaDB's error log and console output. */
    public Path logFile() {
        return runDir.resolve("server.log");
    }

    public InstanceRecord withVersion(String serverVersion) {
        return new InstanceRecord(name, engine, binaries, port, flags, osUser, dataDir, runDir, serverVersion);
    }

    /** Writes this record into {@code instanceDir}, replacing the previous one atomically. */
    public void store(Path instanceDir) {
        var props = new Properties();
        props.setProperty("name", name);
        props.setProperty("engine", engine.id());
        props.setProperty("binaries", binaries.toString());
        props.setProperty("port", Integer.toString(port));
        props.setProperty("dataDir", dataDir.toString());
        props.setProperty("runDir", runDir.toString());
        if (osUser != null) {
            props.setProperty("osUser", osUser);
        }
        if (version != null) {
            props.setProperty("version", version);
        }
        new TreeMap<>(flags).forEach((key, value) -> props.setProperty(FLAG_PREFIX + key, value));
        Path target = instanceDir.resolve(FILE_NAME);
        Path temp = instanceDir.resolve(FILE_NAME + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                props.store(out, "Ferry local instance; no secrets are kept here");
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not write %s; check that Ferry's home is writable".formatted(target), e);
        }
    }

    /** Reads the record kept in {@code instanceDir}. */
    public static InstanceRecord load(Path instanceDir) {
        Path file = instanceDir.resolve(FILE_NAME);
        var props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not read %s; restore it or delete the instance directory".formatted(file), e);
        }
        var flags = new TreeMap<String, String>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(FLAG_PREFIX)) {
                flags.put(key.substring(FLAG_PREFIX.length()), props.getProperty(key));
            }
        }
        try {
            return new InstanceRecord(
                    props.getProperty("name"),
                    EngineKind.parse(props.getProperty("engine")),
                    Path.of(props.getProperty("binaries")),
                    Integer.parseInt(props.getProperty("port")),
                    flags,
                    props.getProperty("osUser"),
                    Path.of(props.getProperty("dataDir")),
                    Path.of(props.getProperty("runDir")),
                    props.getProperty("version"));
        } catch (RuntimeException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "%s is damaged; restore it or delete the instance directory".formatted(file), e);
        }
    }
}
