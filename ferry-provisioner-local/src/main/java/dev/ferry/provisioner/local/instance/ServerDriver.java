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

    /** Rejects flags this driver sets itself (port, data directory) or cannot pass on. */
    void checkFlags(Map<String, String> flags);

    /**
     * Initializes the empty data directory, starts the server, and sets the superuser's password.
     * Returns the server's version text.
     */
    String create(InstanceRecord instance, Secret password);

    /** Starts the stopped server and waits until it accepts connections; returns its version text. */
    String start(InstanceRecord instance);

    /** Stops the running server and waits until it is gone. */
    void stop(InstanceRecord instance);

    /** Whether the server process is alive. */
    boolean running(InstanceRecord instance);
}
