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
import java.time.Duration;

/**
 * Talks JSON to a Ferry server. An error answer {@code {code, message}} becomes a
 * {@link FerryException} with that code and message; a server that does not answer becomes
 * UNAVAILABLE with the advice to start one. Thread-safe.
 */
public final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final URI base;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApiClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** A client of the server at {@code url} ({@code http://host:port}); INVALID_ARGUMENT when malformed. */
    public static ApiClient of(String url) {
        try {
            URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an http(s) URL with a host");
            }
            return new ApiClient(uri);
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
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
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
        throw failure(response.statusCode(), body);
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
