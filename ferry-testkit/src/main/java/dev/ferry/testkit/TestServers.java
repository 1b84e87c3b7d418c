package dev.ferry.testkit;

import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.provisioner.local.LocalProvisioner;
import dev.ferry.provisioner.local.LocalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of this JVM: one local provisioner under {@code TMP/ferry-testkit-PID}, each server created
 * on first use and deleted, with the home, by a shutdown hook. Homes left by JVMs that died without their
 * hook are swept at start-up. Server binaries fetched from Maven Central are cached across JVMs in
 * {@code TMP/ferry-testkit-cache}.
 */
final class TestServers {
    private static final Logger log = LoggerFactory.getLogger(TestServers.class);
    private static final Pattern HOME_NAME = Pattern.compile("ferry-testkit-(\\d+)");

    private final Path home;
    private final LocalProvisioner provisioner;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    private TestServers() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        sweepStaleHomes(tmp);
        this.home = tmp.resolve("ferry-testkit-" + ProcessHandle.current().pid());
        this.provisioner = new LocalProvisioner(LocalSettings.of(home).withCacheDir(tmp.resolve("ferry-testkit-cache")));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("ferry-testkit-shutdown").unstarted(this::shutdown));
    }

    static TestServers get() {
        return Holder.INSTANCE;
    }

    /** The running instance for {@code spec}, created on first call for its name; later calls return it. */
    Instance server(InstanceSpec spec) {
        return slots.computeIfAbsent(spec.name(), name -> new Slot()).get(this, spec);
    }

    /** Stops the running instance {@code name} (its data and port are kept for {@link #start}). */
    void stop(String name) {
        provisioner.stop(name);
    }

    /** Starts the stopped instance {@code name} again, on its port. */
    Instance start(String name) {
        return provisioner.start(name);
    }

    /**
     * Stops the running server {@code name} as {@code mode} says and starts it again on the same port, returning
     * once it accepts connections.
     */
    void restart(String name, Shutdown mode) {
        Instance instance = provisioner.status(name).orElseThrow(() -> new IllegalStateException("no test server " + name));
        long started = System.nanoTime();
        if (mode == Shutdown.FAST) {
            provisioner.stop(name);
        } else {
            ProcessHandle server = serverProcess(instance);
            if (instance.endpoint().engine() == dev.ferry.core.model.EngineKind.POSTGRESQL) {
                signal(server, "QUIT");
            } else {
                server.destroyForcibly();
            }
            awaitExit(server);
        }
        provisioner.start(name);
        log.atInfo().addKeyValue("instance", name).addKeyValue("mode", mode)
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("test server restarted");
    }

    /** The server's main process: the postmaster, or the mariadbd whose data directory is the instance's. */
    private static ProcessHandle serverProcess(Instance instance) {
        Path data = instance.dataDirectory();
        Path pidFile = data.resolve("postmaster.pid");
        try {
            if (Files.isRegularFile(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
                return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("postmaster " + pid + " is gone"));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String datadir = "--datadir=" + data;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> java.util.Arrays.asList(a).contains(datadir)).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no server process for " + data));
    }

    private static void signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + process.pid(), e);
        }
    }

    private static void awaitExit(ProcessHandle process) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> !process.isAlive());
    }

    /** An instance name from a prefix and a user key: lower-case letters, digits and dashes. */
    static String instanceName(String prefix, String key) {
        String cleaned = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String name = cleaned.isEmpty() ? prefix : prefix + "-" + cleaned;
        name = name.length() > 63 ? name.substring(0, 63).replaceAll("-+$", "") : name;
        ConnectionProfile.requireValidName(name, "test server");
        return name;
    }

    private Instance create(InstanceSpec spec) {
        long started = System.nanoTime();
        Instance instance = provisioner.create(spec);
        log.atInfo().addKeyValue("instance", spec.name()).addKeyValue("version", instance.version())
                .addKeyValue("port", instance.endpoint().port())
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("test server started");
        return instance;
    }

    private void shutdown() {
        for (var entry : slots.entrySet()) {
            if (!entry.getValue().started()) {
                continue;
            }
            String name = entry.getKey();
            try {
                provisioner.delete(name);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("instance", name).setCause(e)
                        .log("could not delete test server; it is swept by the next test JVM");
            }
        }
        deleteTree(home);
    }

    private static void sweepStaleHomes(Path tmp) {
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : dirs.toList()) {
                var matcher = HOME_NAME.matcher(dir.getFileName().toString());
                if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty()) {
                    var stale = new LocalProvisioner(LocalSettings.of(dir));
                    stale.list().forEach(instance -> stale.delete(instance.name()));
                    deleteTree(dir);
                    log.atInfo().addKeyValue("home", dir).log("removed test servers of a JVM that died");
                }
            }
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("dir", tmp).setCause(e).log("could not sweep stale test servers; they stay");
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete test server directory; delete it by hand");
        }
    }

    /** One server: created once under its own lock, so servers of different keys start in parallel. */
    private static final class Slot {
        private final ReentrantLock lock = new ReentrantLock();
        private Instance instance;
        private RuntimeException failure;

        /** The instance, created on first call; a failed create is not retried, its error is rethrown. */
        Instance get(TestServers servers, InstanceSpec spec) {
            lock.lock();
            try {
                if (instance == null && failure == null) {
                    try {
                        instance = servers.create(spec);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                if (failure != null) {
                    throw failure;
                }
                return instance;
            } finally {
                lock.unlock();
            }
        }

        boolean started() {
            lock.lock();
            try {
                return instance != null;
            } finally {
                lock.unlock();
            }
        }
    }

    private static final class Holder {
        static final TestServers INSTANCE = new TestServers();
    }
}
