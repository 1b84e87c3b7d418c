package dev.ferry.core.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Locale;
import java.util.Optional;

/**
 * Why TLS to a database failed, told apart from the drivers' exceptions (their types and texts): the
 * server's certificate is not signed by a trusted CA, it does not name the host connected to, or the server
 * offers no TLS at all. Each has a finding code and a sentence saying what to do.
 */
public enum TlsProblem {
    UNTRUSTED_CERTIFICATE("TLS_CERTIFICATE_UNTRUSTED",
            "the server's certificate is not signed by a trusted CA",
            "give the CA certificate that signed the server's certificate (ssl.caCertificate), or check that this is the server you mean"),
    HOST_NAME_MISMATCH("TLS_HOST_NAME_MISMATCH",
            "the server's certificate does not name the host connected to",
            "connect with a host name or address the certificate names (its subject alternative names), or use verify-ca"),
    SERVER_WITHOUT_TLS("TLS_UNAVAILABLE",
            "the server does not offer TLS, and the profile's TLS mode requires it",
            "enable TLS on the server, or choose the TLS mode prefer or disable explicitly if plain text is acceptable");

    private final String findingCode;
    private final String what;
    private final String remedy;

    TlsProblem(String findingCode, String what, String remedy) {
        this.findingCode = findingCode;
        this.what = what;
        this.remedy = remedy;
    }

    public String findingCode() {
        return findingCode;
    }

    /** What went wrong, as a clause ("the server's certificate is not signed by a trusted CA"). */
    public String what() {
        return what;
    }

    /** What to do about it, as a clause. */
    public String remedy() {
        return remedy;
    }

    /** The problem {@code error} or one of its causes shows, if it is a TLS one. */
    public static Optional<TlsProblem> of(Throwable error) {
        boolean untrusted = false;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("could not be verified by hostnameverifier") || m.contains("hostname verification failed")
                    || m.contains("doesn't correspond to certificate") || m.contains("doesn't match any of the subject alternative names")
                    || m.contains("no subject alternative") || m.contains("not found in certificate")) {
                return Optional.of(HOST_NAME_MISMATCH);
            }
            if (m.contains("server does not support ssl") || m.contains("ssl not enabled in the server")
                    || m.contains("server does not support tls")) {
                return Optional.of(SERVER_WITHOUT_TLS);
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                    || m.contains("pkix path") || m.contains("unable to find valid certification path")
                    // MariaDB Connector/J, when the certificate is not trusted and no MitM-proof login can vouch for it
                    || m.contains("self signed certificates") || m.contains("mitm-proof")) {
                untrusted = true;
            }
        }
        return untrusted ? Optional.of(UNTRUSTED_CERTIFICATE) : Optional.empty();
    }
}
