package dev.ferry.provisioner.local.tls;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.process.ChildEnvironment;
import dev.ferry.core.process.PrivateDirectory;
import dev.ferry.core.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The certificate authority Ferry keeps for its managed instances, in {@code HOME/tls}: {@code ca.p12}
 * (the CA's key, owner-only, protected by the random password in {@code ca.pass}, owner-only too) and
 * {@code ca.crt} (its certificate, public: what profiles trust to reach the instances with
 * {@code verify-full}). Created on first use with the JDK's {@code keytool}, which also signs each
 * certificate (EC P-256 keys). Thread-safe.
 */
public final class InstanceCa {
    /** How long a server certificate is valid; it is issued again when it nears its end. */
    public static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final int CA_VALIDITY_DAYS = 3650;
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final String CA_ALIAS = "ferry-ca";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a certificate is for. */
    public enum Purpose { SERVER, CLIENT }

    private final Path dir;
    private final ReentrantLock lock = new ReentrantLock();

    public InstanceCa(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    /** The CA's certificate as PEM, creating the CA when there is none yet. */
    public String certificate() {
        lock.lock();
        try {
            ensureCa();
            return Files.readString(dir.resolve("ca.crt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure("read", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new key and a certificate signed by this CA, for {@code commonName}; a server certificate also names
     * {@code names} (host names and IP addresses) as subject alternative names.
     */
    public IssuedCertificate issue(String commonName, Purpose purpose, List<String> names) {
        if (!commonName.matches("[A-Za-z0-9_.@-]{1,64}")) {
            throw new IllegalArgumentException("not a plain common name: " + commonName);
        }
        lock.lock();
        try (PrivateDirectory work = PrivateDirectory.create()) {
            ensureCa();
            Path leafPass = work.write("leaf.pass", randomPassword());
            Path leafStore = work.path().resolve("leaf.p12");
            Path request = work.path().resolve("leaf.csr");
            Path certificate = work.path().resolve("leaf.crt");
            keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=" + commonName, "-validity", "2", "-keystore", leafStore.toString(), "-storetype", "PKCS12",
                    "-storepass:file", leafPass.toString());
            keytool("-certreq", "-alias", "leaf", "-keystore", leafStore.toString(), "-storepass:file", leafPass.toString(),
                    "-file", request.toString());
            var gencert = new ArrayList<>(List.of("-gencert", "-alias", CA_ALIAS, "-keystore", caStore().toString(),
                    "-storepass:file", caPass().toString(), "-infile", request.toString(), "-outfile",
                    certificate.toString(), "-rfc", "-validity", Long.toString(SERVER_VALIDITY.toDays()),
                    "-ext", "KU:critical=digitalSignature",
                    "-ext", "EKU=" + (purpose == Purpose.SERVER ? "serverAuth" : "clientAuth")));
            if (purpose == Purpose.SERVER && !names.isEmpty()) {
                gencert.add("-ext");
                gencert.add("SAN=" + String.join(",", names.stream().map(InstanceCa::subjectAlternativeName).toList()));
            }
            keytool(gencert.toArray(String[]::new));
            KeyStore leaf = load(leafStore, Files.readString(leafPass, StandardCharsets.UTF_8));
            var key = leaf.getKey("leaf", Files.readString(leafPass, StandardCharsets.UTF_8).toCharArray());
            return new IssuedCertificate(Files.readString(certificate, StandardCharsets.UTF_8),
                    new Secret(Pem.encode("PRIVATE KEY", key.getEncoded())));
        } catch (IOException | GeneralSecurityException e) {
            throw failure("issue a certificate with", e);
        } finally {
            lock.unlock();
        }
    }

    private void ensureCa() throws IOException {
        if (Files.isRegularFile(caStore()) && Files.isRegularFile(dir.resolve("ca.crt"))) {
            return;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(caStore());
        Files.deleteIfExists(caPass());
        Files.createFile(caPass(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(caPass(), randomPassword(), StandardCharsets.UTF_8);
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        keytool("-genkeypair", "-alias", CA_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Ferry instance CA " + HexFormat.of().formatHex(id), "-validity", Integer.toString(CA_VALIDITY_DAYS),
                "-ext", "BC:critical=ca:true,pathlen:0", "-ext", "KU:critical=keyCertSign,cRLSign",
                "-keystore", caStore().toString(), "-storetype", "PKCS12", "-storepass:file", caPass().toString());
        Files.setPosixFilePermissions(caStore(), PosixFilePermissions.fromString("rw-------"));
        try {
            KeyStore ca = load(caStore(), Files.readString(caPass(), StandardCharsets.UTF_8));
            Files.writeString(dir.resolve("ca.crt"), Pem.encode("CERTIFICATE", ca.getCertificate(CA_ALIAS).getEncoded()),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IOException("the new CA key store does not open", e);
        }
    }

    private Path caStore() {
        return dir.resolve("ca.p12");
    }

    private Path caPass() {
        return dir.resolve("ca.pass");
    }

    private static KeyStore load(Path store, String password) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        return keys;
    }

    private static String subjectAlternativeName(String name) {
        return (name.matches("[0-9.]+") || name.indexOf(':') >= 0 ? "ip:" : "dns:") + name;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        var argv = new ArrayList<String>();
        argv.add(keytool.toString());
        argv.addAll(List.of(args));
        argv.add("-noprompt");
        var builder = new ProcessBuilder(argv).redirectErrorStream(true);
        ChildEnvironment.applyTo(builder.environment(), null);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Stopped while making a certificate for a managed instance", e);
        }
    }

    private FerryException failure(String doing, Exception e) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Could not %s the CA of managed instances in %s; check "
                + "that the directory is writable and that the JDK's keytool is installed").formatted(doing, dir), e);
    }
}
