package dev.ferry.provisioner.local.tls;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.tls.Pem;
import dev.ferry.provisioner.local.process.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A managed instance's TLS files, in a directory of the server's (PostgreSQL's data directory, MariaDB's run
 * directory): its certificate for {@code localhost} and {@code 127.0.0.1}, its key (owner-only, owned by
 * the server's OS user), and the CA's certificate (to check client certificates). Issued when missing or
 * near their end. Thread-safe.
 */
public final class InstanceTls {
    public static final String CERTIFICATE = "ferry-server.crt";
    public static final String KEY = "ferry-server.key";
    public static final String CA = "ferry-ca.crt";
    /** The names every instance's certificate carries: instances listen on 127.0.0.1 only. */
    public static final List<String> NAMES = List.of("localhost", "127.0.0.1");
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final InstanceCa ca;
    private final Clock clock;

    public InstanceTls(InstanceCa ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
    }

    public InstanceCa ca() {
        return ca;
    }

    /** Whether {@code dir} holds an instance's TLS files. */
    public static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(CERTIFICATE)) && Files.isRegularFile(dir.resolve(KEY))
                && Files.isRegularFile(dir.resolve(CA));
    }

    /** Writes the files of instance {@code name} into {@code dir}, owned by {@code runAs}, unless current ones are there. */
    public void ensure(Path dir, RunAs runAs, String name) {
        try {
            if (present(dir) && !nearingEnd(dir.resolve(CERTIFICATE))) {
                return;
            }
            IssuedCertificate issued = ca.issue(name.length() > 64 ? name.substring(0, 64) : name,
                    InstanceCa.Purpose.SERVER, NAMES);
            write(dir.resolve(KEY), issued.privateKey().reveal(), "rw-------", runAs);
            write(dir.resolve(CERTIFICATE), issued.certificate(), "rw-r--r--", runAs);
            write(dir.resolve(CA), ca.certificate(), "rw-r--r--", runAs);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not write the TLS certificate of instance %s into %s; check the directory's permissions"
                            .formatted(name, dir), e);
        }
    }

    private boolean nearingEnd(Path certificate) throws IOException {
        var first = Pem.certificates(Files.readString(certificate, StandardCharsets.UTF_8), "The server certificate").getFirst();
        return first.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE));
    }

    private static void write(Path file, String text, String permissions, RunAs runAs) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
        runAs.own(temp);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
