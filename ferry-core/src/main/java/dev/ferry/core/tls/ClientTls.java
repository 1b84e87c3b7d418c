package dev.ferry.core.tls;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of TLS to a database, built in memory from a connection's settings: which server
 * certificates are trusted (the profile's CA, else the JDK's CAs, in the verifying modes; any in
 * {@code prefer} and {@code require}, which only encrypt) and which certificate Ferry shows. Host names
 * are checked by the caller (the driver), since only it knows the host. Pure and thread-safe.
 */
public final class ClientTls {
    private static final String ALIAS = "client";

    private ClientTls() {}

    /** A TLS context for {@code mode} and {@code options}; never null, whatever the mode. */
    public static SSLContext context(TlsMode mode, TlsOptions options) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(options), trustManagers(mode, options), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The TLS certificates of the connection cannot be used: " + e.getMessage(), e);
        }
    }

    /** The client certificate and key as a PKCS#12 key store protected by {@code password}. */
    public static KeyStore clientKeyStore(TlsOptions options, char[] password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, password);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty key store", e);
        }
        List<X509Certificate> chain = Pem.certificates(options.clientCertificate(), "The client certificate");
        store.setKeyEntry(ALIAS, Pem.privateKey(options.clientKey(), "The client key"), password,
                chain.toArray(Certificate[]::new));
        return store;
    }

    private static KeyManager[] keyManagers(TlsOptions options) throws GeneralSecurityException {
        if (!options.hasClientCertificate()) {
            return null;
        }
        char[] password = new char[0];
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(clientKeyStore(options, password), password);
        return factory.getKeyManagers();
    }

    private static TrustManager[] trustManagers(TlsMode mode, TlsOptions options) throws GeneralSecurityException {
        if (!mode.verifiesCertificate()) {
            return new TrustManager[] {new AnyServer()};
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (options.caCertificate() == null) {
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty trust store", e);
        }
        int i = 0;
        for (X509Certificate ca : Pem.certificates(options.caCertificate(), "The CA certificate")) {
            anchors.setCertificateEntry("ca-" + i++, ca);
        }
        factory.init(anchors);
        return factory.getTrustManagers();
    }

    /** Accepts any server certificate: for the modes that encrypt without verifying, as libpq's require does. */
    private static final class AnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Not verified by design of the mode; verify reports TLS_NOT_VERIFIED.
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // As above.
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // As above.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
