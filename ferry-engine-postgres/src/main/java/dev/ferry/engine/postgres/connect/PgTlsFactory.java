package dev.ferry.engine.postgres.connect;

import dev.ferry.core.Secret;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.core.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's {@code sslfactory} for Ferry's connections: trusts and presents what the profile says (its CA,
 * its client certificate and key), held in memory, never in files. pgjdbc constructs it for each connection
 * with the connection's properties, where {@link PgConnector} puts the TLS material; pgjdbc itself checks
 * the host name in {@code verify-full}.
 */
public final class PgTlsFactory extends SSLSocketFactory {
    static final String MODE = "ferry.tls.mode";
    static final String CA = "ferry.tls.ca";
    static final String CERTIFICATE = "ferry.tls.certificate";
    static final String KEY = "ferry.tls.key";

    private final SSLSocketFactory delegate;

    public PgTlsFactory(Properties info) {
        TlsMode mode = TlsMode.parse(info.getProperty(MODE));
        var options = new TlsOptions(info.getProperty(CA), info.getProperty(CERTIFICATE), Secret.of(info.getProperty(KEY)),
                false);
        this.delegate = ClientTls.context(mode == null ? TlsMode.DEFAULT : mode, options).getSocketFactory();
    }

    /** Puts what this factory needs into a connection's properties. */
    static void configure(Properties props, TlsMode mode, TlsOptions options) {
        props.setProperty("sslfactory", PgTlsFactory.class.getName());
        props.setProperty(MODE, mode.id());
        if (options.caCertificate() != null) {
            props.setProperty(CA, options.caCertificate());
        }
        if (options.hasClientCertificate()) {
            props.setProperty(CERTIFICATE, options.clientCertificate());
            props.setProperty(KEY, options.clientKey().reveal());
        }
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
        return delegate.createSocket(s, consumed, autoClose);
    }

    @Override
    public Socket createSocket() throws IOException {
        return delegate.createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
