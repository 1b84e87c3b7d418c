package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store contract on the embedded H2 file, plus what only the embedded store has to do. */
class H2StoreIT extends StoreContract {

    @Override
    StoreConfig freshStore(Path home) {
        return StoreConfig.embedded(home);
    }

    @Test
    void storeAndKeyFileLiveUnderTheHome() throws IOException {
        assertThat(home.resolve("store/ferry.mv.db")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("secret.key"))))
                .isEqualTo("rw-------");
    }

    /**
     * Ferry interrupts threads that write to the store: a job's stop, and the cancellation of a copy's other workers
     * when one of them failed (a source restart). An interrupt must not close the embedded database's file (H2's
     * FileChannel would, and H2 then refuses every statement until the process restarts).
     */
    @Test
    @Timeout(120)
    void interruptingWritersLeavesTheStoreWorking() throws Exception {
        store.insertProfile(profile("src", pgConnection("pw")));
        store.insertProfile(profile("dest", pgConnection("pw")));
        store.insertJob(job("busy"));
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> writers = new java.util.ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        store.putCheckpoint("busy", "worker/" + worker, "step " + i);
                        store.appendEvent("busy", T0, dev.ferry.core.model.Severity.INFO, "worker " + worker + " step " + i);
                    } catch (RuntimeException e) {
                        // an interrupted write may fail; the next one must work
                    }
                    Thread.interrupted();
                }
            }));
        }
        // A writer nobody interrupts, as the rest of the server: none of its writes may fail.
        var bystanderFailures = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        Thread bystander = Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    store.putCheckpoint("busy", "bystander", "step " + i);
                } catch (RuntimeException e) {
                    bystanderFailures.add(e.getMessage());
                }
            }
        });
        long end = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        var random = new java.util.SplittableRandom(7);
        while (System.nanoTime() < end) {
            writers.get(random.nextInt(writers.size())).interrupt();
            java.util.concurrent.locks.LockSupport.parkNanos(200_000); // pacing the interrupts, not waiting for anything
        }
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        bystander.join();

        assertThat(bystanderFailures).as("writes of threads nobody interrupted").isEmpty();

        store.putCheckpoint("busy", "after", "interrupts");
        assertThat(store.checkpoint("busy", "after")).contains("interrupts");
        reopen();
        assertThat(store.checkpoint("busy", "after")).contains("interrupts");
    }

    @Test
    @Timeout(60)
    void anotherProcessIsRefusedWhileTheStoreIsOpen() throws Exception {
        Process child = startStoreProcess();
        try {
            String line = firstLine(child);
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(line).startsWith("FAILED " + ErrorCode.FAILED_PRECONDITION)
                    .contains("Ferry home " + home + " is in use by another ferry process");
            assertThat(child.exitValue()).isEqualTo(3);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    @Timeout(60)
    void committedDataSurvivesTheProcessBeingKilled() throws Exception {
        store.close();
        Process child = startStoreProcess();
        try {
            assertThat(firstLine(child)).startsWith("READY");
        } finally {
            child.destroyForcibly();  // SIGKILL: no shutdown hook, no clean close
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        store = JdbcStore.open(config);

        assertThat(store.findProfile("from-child")).isPresent();
        assertThat(store.findJob("child-job")).hasValueSatisfying(j -> assertThat(j.state()).isEqualTo(JobState.RUNNING));
        assertThat(store.listEvents("child-job", 5)).extracting(JobEvent::message)
                .containsExactly("written before the kill");
        assertThat(store.checkpoint("child-job", "position")).contains("pg:0/ABC");
    }

    @Test
    void replacedKeyFileGivesAClearErrorNamingTheProfile() throws IOException {
        store.insertProfile(profile("src", pgConnection("pw")));
        store.close();
        Path keyFile = home.resolve("secret.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]));

        store = JdbcStore.open(config);

        assertFails(() -> store.findProfile("src"), ErrorCode.FAILED_PRECONDITION,
                "Cannot read connection profile src");
        assertFails(store::listProfiles, ErrorCode.FAILED_PRECONDITION, "the key file was replaced");
    }

    @Test
    void groupReadableKeyFileStopsTheStoreFromOpening() throws IOException {
        store.close();
        Path keyFile = home.resolve("secret.key");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));
        try {
            assertFails(() -> JdbcStore.open(config), ErrorCode.FAILED_PRECONDITION, "chmod 600 " + keyFile);
        } finally {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            store = JdbcStore.open(config);
        }
    }

    @Test
    void unreachableExternalStoreIsUnavailableWithoutThePassword() {
        var unreachable = new StoreConfig(home.resolve("other"), "jdbc:postgresql://127.0.0.1:1/ferry?password=hunter2",
                "ferry", new Secret("hunter2"));

        assertFails(() -> JdbcStore.open(unreachable), ErrorCode.UNAVAILABLE,
                "Cannot open the metadata store jdbc:postgresql://127.0.0.1:1/ferry;");
        assertThatThrownBy(() -> JdbcStore.open(unreachable)).hasMessageNotContaining("hunter2");
    }

    @Test
    void passwordsSealedByTheFirstFormatAreSealedAgainForTheirProfileWhenTheStoreOpens() throws Exception {
        store.insertProfile(profile("old", pgConnection("placeholder")));
        byte[] key = Base64.getDecoder().decode(Files.readAllLines(home.resolve("secret.key")).stream()
                .filter(l -> !l.startsWith("#")).findFirst().orElseThrow());
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) JsonColumns.parse(rawSpec("old"), "test");
        spec.put("password", legacySeal(key, "first-format-pw"));
        setRawSpec("old", spec.toString());

        reopen();

        assertThat(store.findProfile("old").orElseThrow().connection().password().reveal()).isEqualTo("first-format-pw");
        assertThat(rawSpec("old")).contains("\"password\":\"v2:").doesNotContain("v1:");
    }

    @Test
    void storeDirectoryAndFilesAreOwnerOnlyEvenWhenTheyWereNot() throws IOException {
        store.close();
        Path dir = home.resolve("store");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("ferry.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));

        store = JdbcStore.open(config);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        try (var files = Files.list(dir)) {
            assertThat(files.filter(Files::isRegularFile)).allSatisfy(f -> assertThat(
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
        }
    }

    /** What the first format wrote: "v1:" and base64 of IV, ciphertext and tag, no associated data. */
    private static String legacySeal(byte[] key, String value) throws Exception {
        byte[] iv = new byte[12];
        new java.security.SecureRandom().nextBytes(iv);
        var cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, iv));
        byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[iv.length + sealed.length];
        System.arraycopy(iv, 0, out, 0, iv.length);
        System.arraycopy(sealed, 0, out, iv.length, sealed.length);
        return "v1:" + Base64.getEncoder().encodeToString(out);
    }

    @Test
    void listedProfilesDecryptEverySecret() {
        store.insertProfile(profile("a", pgConnection("pw-a")));
        store.insertProfile(profile("b", pgConnection("pw-b")));

        List<ConnectionProfile> profiles = store.listProfiles();

        assertThat(profiles).extracting(p -> p.connection().password().reveal()).containsExactly("pw-a", "pw-b");
    }

    private Process startStoreProcess() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreProcess.class.getName(), home.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static String firstLine(Process child) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
            line = reader.readLine();
        } while (line != null && !line.startsWith("READY") && !line.startsWith("FAILED"));
        return line;
    }
}
