package dev.ferry.engine.postgres.schema;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.process.PrivateDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one PostgreSQL client tool (pg_dump, pg_restore, psql) to its end, connected to one server or to none,
 * and fails with a message naming the server (never its password) and the tool's error when it exits non-zero.
 * Stateless.
 */
final class ToolProcess {
    private static final Logger log = LoggerFactory.getLogger(ToolProcess.class);

    private ToolProcess() {}

    /** How one run connects and what it keeps. */
    record Call(List<String> command, DatabaseConnection server, boolean writes, int libpqMajor,
            Map<String, String> environment, boolean keepOutput, String doing) {
        Call {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
        }

        /** A tool reading from or writing to {@code server} (null: none), its output discarded. */
        static Call of(List<String> command, DatabaseConnection server, boolean writes, int libpqMajor, String doing) {
            return new Call(command, server, writes, libpqMajor, Map.of(), false, doing);
        }

        /** The call with {@code variables} added to the tool's environment (never secrets: they go in files). */
        Call withEnvironment(Map<String, String> variables) {
            return new Call(command, server, writes, libpqMajor, variables, keepOutput, doing);
        }

        Call keepingOutput() {
            return new Call(command, server, writes, libpqMajor, environment, true, doing);
        }
    }

    /** Runs the call; returns the tool's standard output when kept, else an empty text. */
    static String run(Call call) {
        ProcessBuilder pb = new ProcessBuilder(call.command());
        DatabaseConnection server = call.server();
        if (!call.keepOutput()) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        int exit;
        String errors;
        String output = "";
        try (PrivateDirectory files = PrivateDirectory.create()) {
            if (server != null) {
                ToolEnvironment.connectTo(pb.environment(), server, files, "server", call.libpqMajor());
            } else {
                ToolEnvironment.none(pb.environment());
            }
            pb.environment().putAll(call.environment());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Cannot run %s: %s; check the PostgreSQL "
                        + "client tools installation").formatted(call.command().getFirst(), e.getMessage()), e);
            }
            try {
                StreamTail stderr = StreamTail.drain(p.getErrorStream(), "tool-stderr");
                if (call.keepOutput()) {
                    try (InputStream out = p.getInputStream()) {
                        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        p.destroyForcibly();
                        throw new FerryException(ErrorCode.UNAVAILABLE, "Reading the output of %s while %s failed: %s"
                                .formatted(call.command().getFirst(), call.doing(), e.getMessage()), e);
                    }
                }
                exit = p.waitFor();
                errors = stderr.text();
            } catch (InterruptedException e) {
                // Ending psql mid-script makes the server roll its transaction back.
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new FerryException(ErrorCode.CANCELLED, "Interrupted while " + call.doing(), e);
            }
        }
        List<Secret> secrets = server == null || server.password() == null ? List.of() : List.of(server.password());
        if (exit != 0) {
            String where = server == null ? "" : " on %s:%d".formatted(server.host(), server.port());
            String outcome = call.writes() ? "; it was rolled back, fix the cause on the destination and retry" : "";
            throw new FerryException(ToolFailure.classify(errors), "%s%s failed (exit %d)%s: %s"
                    .formatted(capitalized(call.doing()), where, exit, outcome, ToolFailure.excerpt(errors, secrets)));
        }
        if (!errors.isBlank()) {
            log.atWarn().addKeyValue("tool", call.command().getFirst())
                    .addKeyValue("stderr", ToolFailure.excerpt(errors, secrets)).log("client tool warned");
        }
        return output;
    }

    /**
     * {@link #run} of a pg_dump call, run again (after a pause) when pg_dump gave up waiting for a table lock
     * ({@code --lock-wait-timeout}), a few times: nothing was read then.
     */
    static String dumpRetryingLockWaits(Call call, String database, String section) {
        for (int attempt = 1; ; attempt++) {
            try {
                return run(call);
            } catch (FerryException e) {
                if (attempt >= SchemaCopier.LOCK_ATTEMPTS || !ToolFailure.lockTimeout(e.getMessage())) {
                    throw e;
                }
                log.atInfo().addKeyValue("database", database).addKeyValue("section", section)
                        .addKeyValue("attempt", attempt).log("pg_dump waited too long for a table lock; trying again");
                try {
                    Thread.sleep(SchemaCopier.LOCK_BACKOFF.delay(attempt, ThreadLocalRandom.current()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new FerryException(ErrorCode.CANCELLED, "Interrupted while " + call.doing(), interrupted);
                }
            }
        }
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
