package dev.ferry.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Talks JSON to a Ferry server, with its API token as a bearer token, verifying an HTTPS server's
 * certificate against the system's CAs or the CA certificates given. An error answer
 * {@code {code, message}} becomes a {@link FerryException} with that code and message; a server that
 * does not answer becomes UNAVAILABLE with the advice to start one, and a certificate that cannot be
 * verified UNAVAILABLE with the advice to give its CA. Thread-safe.
 */
public final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApiClient(URI base, String token, SSLContext tls) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(tls).build();
    }

    /** A client without a token, trusting the system's CAs; INVALID_ARGUMENT when the URL is malformed. */
    public static ApiClient of(String url) {
        return of(url, null, null);
    }

    /**
     * A client of the server at {@code url} ({@code http(s)://host:port}) sending {@code token} (null:
     * none), trusting the CA certificates in the PEM file {@code caCert} (null: the system's CAs).
     */
    public static ApiClient of(String url, String token, Path caCert) {
        return new ApiClient(parse(url), token == null || token.isBlank() ? null : token.trim(), ServerTrust.context(caCert));
    }

    /** True when {@code url} names this machine: {@code localhost}, 127.x.x.x or ::1 (never resolved through DNS). */
    public static boolean isLoopback(String url) {
        String host = parse(url).getHost().toLowerCase(java.util.Locale.ROOT);
        return host.equals("localhost") || host.equals("[::1]") || host.equals("::1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Server URL '%s' is not valid; use http://HOST:PORT such as http://127.0.0.1:8642".formatted(url), e);
        }
    }

    /** One path segment, percent-encoded. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public URI base() {
        return base;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public JsonNode get(String path) {
        return send(request(path).GET());
    }

    public JsonNode post(String path, JsonNode body) {
        return send(request(path).POST(publisher(body)));
    }

    public JsonNode put(String path, JsonNode body) {
        return send(request(path).PUT(publisher(body)));
    }

    public JsonNode patch(String path, JsonNode body) {
        return send(request(path).method("PATCH", publisher(body)));
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /** Pretty-printed JSON, for {@code --format json}. */
    public String pretty(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot print JSON", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private HttpRequest.BodyPublisher publisher(JsonNode body) {
        if (body == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        try {
            return HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the request", e);
        }
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("Content-Type", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException | UnresolvedAddressException e) {
            throw notAnswering(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException || e.getCause() instanceof UnresolvedAddressException) {
                throw notAnswering(e);
            }
            if (isTlsFailure(e)) {
                throw new FerryException(ErrorCode.UNAVAILABLE,
                        ("Cannot verify the TLS certificate of the Ferry server at %s; give the CA certificate that "
                                + "signed it with --ca-cert FILE (or FERRY_CA_CERT), and call the server by a name its "
                                + "certificate holds").formatted(base), e);
            }
            throw new FerryException(ErrorCode.UNAVAILABLE,
                    "The Ferry server at %s stopped answering (%s); check that it still runs".formatted(base,
                            e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while waiting for the Ferry server", e);
        }
        JsonNode body = parse(response);
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        FerryException failure = failure(response.statusCode(), body);
        if (failure.code() == ErrorCode.UNAUTHENTICATED && token == null) {
            throw new FerryException(ErrorCode.UNAUTHENTICATED, failure.getMessage()
                    + ". Set FERRY_TOKEN to an API token; for a server on this machine, --home (or FERRY_HOME) of that "
                    + "server lets the CLI read its admin.token");
        }
        throw failure;
    }

    private static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private FerryException notAnswering(Exception cause) {
        return new FerryException(ErrorCode.UNAVAILABLE,
                "No Ferry server answers at %s; start one with: ferry server".formatted(base), cause);
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            return mapper.readTree(response.body());
        } catch (IOException e) {
            throw new FerryException(ErrorCode.UNAVAILABLE,
                    "%s answered HTTP %d with something that is not Ferry's JSON; is --server pointing at a Ferry server?"
                            .formatted(base, response.statusCode()), e);
        }
    }

    private static FerryException failure(int status, JsonNode body) {
        String message = body.path("message").asText("HTTP " + status);
        return new FerryException(errorCode(body.path("code").asText(null), status), message);
    }

    /** The code named in an error answer, else the one that matches its HTTP status. */
    public static ErrorCode errorCode(String name, int status) {
        if (name != null) {
            try {
                return ErrorCode.valueOf(name);
            } catch (IllegalArgumentException e) {
                // an unknown code from a newer server: fall back on the HTTP status below
            }
        }
        for (ErrorCode code : ErrorCode.values()) {
            if (code.httpStatus() == status) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }
}
