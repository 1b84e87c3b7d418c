package dev.ferry.server.console;

import dev.ferry.server.http.Asset;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * Serves the web console's files from the jar: {@code /} (the console, for a signed-in browser), {@code /signin}
 * and the files under {@code /console/}. Only the sign-in page, its script and the style sheet are served to
 * anyone; everything else needs a session (or a token) like the API. The files are read once, at start.
 */
public final class ConsoleRoutes {
    /** The page a browser without a session is sent to. */
    public static final String SIGN_IN = "/signin";
    private static final String ASSETS = "/console/";
    private static final Set<String> PUBLIC = Set.of(SIGN_IN, ASSETS + "console.css", ASSETS + "signin.js");
    private static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("/", "index.html"),
            Map.entry(SIGN_IN, "signin.html"),
            Map.entry(ASSETS + "console.css", "console.css"),
            Map.entry(ASSETS + "signin.js", "signin.js"),
            Map.entry(ASSETS + "api.js", "api.js"),
            Map.entry(ASSETS + "app.js", "app.js"),
            Map.entry(ASSETS + "ui.js", "ui.js"),
            Map.entry(ASSETS + "chart.js", "chart.js"),
            Map.entry(ASSETS + "jobs.js", "jobs.js"),
            Map.entry(ASSETS + "job.js", "job.js"),
            Map.entry(ASSETS + "profiles.js", "profiles.js"),
            Map.entry(ASSETS + "operations.js", "operations.js"));

    private ConsoleRoutes() {}

    public static void register(Router router) {
        FILES.forEach((path, file) -> {
            Asset asset = load(file);
            router.add("GET", path, request -> Response.ok(asset));
        });
    }

    /** True for the console's files anyone may read: the sign-in page, its script and the style sheet. */
    public static boolean isPublic(String path) {
        return PUBLIC.contains(path);
    }

    /** True for the console's pages, which send a browser without a session to the sign-in page. */
    public static boolean isPage(String method, String path) {
        return "GET".equals(method) && "/".equals(path);
    }

    private static Asset load(String file) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + file + " is missing from the jar");
            }
            return new Asset(in.readAllBytes(), type(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the console file " + file + " failed", e);
        }
    }

    private static String type(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        throw new IllegalArgumentException("no media type for " + file);
    }
}
