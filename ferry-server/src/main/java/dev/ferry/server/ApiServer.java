package dev.ferry.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.access.Caller;
import dev.ferry.control.access.CurrentCaller;
import dev.ferry.control.access.Sessions;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.server.access.AccessPolicy;
import dev.ferry.server.access.BrowserGuard;
import dev.ferry.server.access.HostNames;
import dev.ferry.server.access.TlsContext;
import dev.ferry.server.access.SessionRoutes;
import dev.ferry.server.access.TokenRoutes;
import dev.ferry.server.console.ConsoleRoutes;
import dev.ferry.server.http.Asset;
import dev.ferry.server.http.ErrorBody;
import dev.ferry.server.http.HttpError;
import dev.ferry.server.http.Json;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.job.JobRoutes;
import dev.ferry.server.openapi.OpenApiRoutes;
import dev.ferry.server.operation.OperationRoutes;
import dev.ferry.server.profile.ProfileRoutes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's REST API and web console on the JDK's HTTP(S) server, one virtual thread per request. Every request
 * passes the {@link BrowserGuard} (Host, Origin, Content-Type), then, unless it is open to anyone ({@code /healthz},
 * the console's sign-in page, signing in and out), the {@link AccessPolicy} (bearer token or session, and role);
 * a browser without a session that asks for the console is sent to its sign-in page; the handler runs with the caller bound as the
 * {@link CurrentCaller}. Handlers call the control plane; this class turns what they throw into
 * {@code {code, message}} answers: a {@link FerryException} with its code's HTTP status, anything else
 * as 500 with the stack trace logged. Every answer carries the usual security headers. Start once,
 * close once; thread-safe.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final ServerConfig config;
    private final Router router;
    private final AccessPolicy access;
    private final Json json = new Json();
    private TlsContext tls;
    private BrowserGuard guard;
    private HttpServer server;
    private ExecutorService executor;

    public ApiServer(ServerConfig config, ControlPlane control) {
        this(config, control, Clock.systemUTC());
    }

    /** With the clock that measures running jobs' durations. */
    public ApiServer(ServerConfig config, ControlPlane control, Clock clock) {
        this.config = config;
        Sessions sessions = new Sessions(control.tokens(), clock);
        this.router = routes(control, json, clock, sessions, "https".equals(config.scheme()));
        ConsoleRoutes.register(router);
        this.access = new AccessPolicy(control.tokens(), sessions);
    }

    /** Every route of the API, with console sessions of their own and cookies for plain HTTP (to list the routes). */
    static Router routes(ControlPlane control, Json json, Clock clock) {
        return routes(control, json, clock, new Sessions(control.tokens(), clock), false);
    }

    /** Every route of the API; {@code secureCookie}: the console's session cookie is sent over HTTPS only. */
    static Router routes(ControlPlane control, Json json, Clock clock, Sessions sessions, boolean secureCookie) {
        Router router = new Router();
        router.add("GET", "/healthz", request -> Response.ok(Map.of("status", "ok")));
        ProfileRoutes.register(router, control.profiles());
        JobRoutes.register(router, control.jobs(), clock);
        dev.ferry.server.declare.DeclarationRoutes.register(router, control.profiles(), control.jobs(), clock);
        dev.ferry.server.job.ValidationRoutes.register(router, control.validations());
        OperationRoutes.register(router, control, clock);
        dev.ferry.server.metrics.MetricsRoutes.register(router, control.jobs(), control.nodes());
        TokenRoutes.register(router, control.tokens(), control.secretKeys(), clock);
        dev.ferry.server.node.NodeRoutes.register(router, control.nodes());
        dev.ferry.server.source.SourceLimitRoutes.register(router, control.sourceLimits());
        OpenApiRoutes.register(router, json);
        SessionRoutes.register(router, sessions, secureCookie);
        return router;
    }

    /**
     * Reads the TLS certificate and key when configured, binds the port and starts serving; throws
     * FAILED_PRECONDITION when the port is taken, INVALID_ARGUMENT for unusable TLS files.
     */
    public void start() {
        if (server != null) {
            throw new IllegalStateException("API server already started");
        }
        tls = config.tls() == null ? null : TlsContext.load(config.tls());
        guard = new BrowserGuard(HostNames.of(config, tls), config.scheme());
        try {
            server = tls == null ? HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0)
                    : https(new InetSocketAddress(config.host(), config.port()), tls);
        } catch (BindException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot listen on %s:%d: the port is in use or the address is not local; stop the other server or choose another port with --port"
                            .formatted(config.host(), config.port()), e);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot listen on %s:%d".formatted(config.host(), config.port()), e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        log.atInfo().addKeyValue("host", config.host()).addKeyValue("port", port())
                .addKeyValue("tls", tls != null ? "on" : config.behindTlsProxy() ? "at the proxy" : "off")
                .log("API server listening");
    }

    private static HttpsServer https(InetSocketAddress address, TlsContext tls) throws IOException {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()) {
            @Override
            public void configure(HttpsParameters params) {
                var parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(parameters);
            }
        });
        return https;
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("API server not started");
        }
        return server.getAddress().getPort();
    }

    /** The base URI clients use, such as {@code http://127.0.0.1:8642} or {@code https://127.0.0.1:8642}. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("%s://%s:%d".formatted(tls != null ? "https" : "http", host, port()));
    }

    private void serve(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Response response;
        String allow = null;
        try {
            response = dispatch(exchange, method, path);
        } catch (HttpError e) {
            response = new Response(e.status(), new ErrorBody(e.code().name(), e.getMessage()));
            allow = e.allow();
        } catch (FerryException e) {
            log.atDebug().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("code", e.code())
                    .setCause(e).log("request refused");
            response = new Response(e.code().httpStatus(), new ErrorBody(e.code().name(), e.getMessage()));
        } catch (RuntimeException e) {
            log.atError().addKeyValue("method", method).addKeyValue("path", path).setCause(e).log("request failed");
            response = new Response(500, new ErrorBody(ErrorCode.INTERNAL.name(), "Internal error; see the server log"));
        }
        try (exchange) {
            securityHeaders(exchange.getResponseHeaders());
            if (response.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ferry\"");
            }
            response.headers().forEach(exchange.getResponseHeaders()::set);
            byte[] bytes;
            if (response.body() instanceof dev.ferry.server.http.PlainText text) {
                bytes = text.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            } else if (response.body() instanceof Asset asset) {
                bytes = asset.bytes();
                exchange.getResponseHeaders().set("Content-Type", asset.contentType());
                exchange.getResponseHeaders().set("Content-Security-Policy", CONSOLE_POLICY);
            } else {
                bytes = json.write(response.body());
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            }
            if (allow != null) {
                exchange.getResponseHeaders().set("Allow", allow);
            }
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            log.atDebug().addKeyValue("path", path).setCause(e).log("client went away before the answer was sent");
        }
        log.atDebug().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", response.status())
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("request served");
    }

    /** What the console's pages may load: the server's own scripts and styles, and calls to the server only. */
    private static final String CONSOLE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private void securityHeaders(Headers headers) {
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        if (tls != null || config.behindTlsProxy()) {
            headers.set("Strict-Transport-Security", "max-age=31536000");
        }
    }

    private Response dispatch(HttpExchange exchange, String method, String path) {
        Headers headers = exchange.getRequestHeaders();
        guard.check(method, headers);
        if (AccessPolicy.isOpen(method, path)) {
            return route(exchange, method, path);
        }
        Caller caller;
        try {
            caller = access.admit(method, path, headers);
        } catch (FerryException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED && ConsoleRoutes.isPage(method, path)) {
                return Response.seeOther(ConsoleRoutes.SIGN_IN);
            }
            throw e;
        }
        return CurrentCaller.as(caller, () -> route(exchange, method, path));
    }

    private Response route(HttpExchange exchange, String method, String path) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && isOverLimit(length)) {
            discard(exchange.getRequestBody());
            throw new HttpError(413, ErrorCode.INVALID_ARGUMENT, "The request body is larger than 1 MiB; send a smaller body");
        }
        Router.Match match = router.match(method, path);
        Request request = new Request(method, path, match.params(), exchange.getRequestURI().getRawQuery(),
                exchange.getRequestBody(), json, exchange.getRequestHeaders()::getFirst);
        return match.handler().handle(request);
    }

    /** Most of a refused body read and dropped, so the client, still sending it, receives the refusal. */
    private static final long DISCARD_LIMIT = 16L * 1024 * 1024;

    /**
     * Reads and drops up to {@link #DISCARD_LIMIT} of a body refused for its size: a connection closed while the client
     * still writes is reset, and the client would see the reset rather than the answer. Beyond the limit the
     * connection is simply closed.
     */
    private static void discard(java.io.InputStream body) {
        try {
            long left = DISCARD_LIMIT;
            byte[] buffer = new byte[64 * 1024];
            for (int n = body.read(buffer); n > 0 && left > 0; n = body.read(buffer)) {
                left -= n;
            }
        } catch (java.io.IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static boolean isOverLimit(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > Request.MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            throw new HttpError(400, ErrorCode.INVALID_ARGUMENT, "The Content-Length header is not a number");
        }
    }

    /** Stops accepting requests, gives running ones a second to finish, and stops. Does not close the control plane. */
    @Override
    public void close() {
        if (server != null) {
            server.stop(1);
            executor.close();
            log.atInfo().log("API server stopped");
        }
    }
}
