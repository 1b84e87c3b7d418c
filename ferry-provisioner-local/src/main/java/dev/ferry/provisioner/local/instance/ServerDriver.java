package dev.ferry.provisioner.local.instance;

import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one engine's server processes for the local provisioner. Methods block until done; failures
 * throw {@link dev.ferry.core.FerryException} quoting the server log. Thread-safe for distinct instances.
 */
public interface ServerDriver {
    EngineKind engine();

    /** The OS user the server runs as when Ferry runs as root. */
    String osUser();

    /** The binaries for {@code version} (null: newest available): a bin directory or server executable. */
    Path binaries(String version);

    /** Rejects, with INVALID_ARGUMENT naming it, a flag outside the engine's allowlist or with a value it refuses. */
    void checkFlags(Map<String, String> flags);

    /**
     * Where the instance's TLS files ({@link dev.ferry.provisioner.local.tls.InstanceTls}) go; the server uses
     * TLS when they are there at start.
     */
    Path tlsDirectory(InstanceRecord instance);

    /**
     * Initializes the empty data directory with the superuser's password already set, so that no one can
     * log in without it at any moment. Does not start the server.
     */
    void initialize(InstanceRecord instance, Secret password);

    /** Starts the stopped server and waits until it accepts connections; returns its version text. */
    String start(InstanceRecord instance);

    /** Stops the running server and waits until it is gone. */
    void stop(InstanceRecord instance);

    /** Whether the server process is alive. */
    boolean running(InstanceRecord instance);
}
