package dev.ferry.server.access;

import com.sun.net.httpserver.Headers;
import dev.ferry.control.access.Caller;
import dev.ferry.control.access.Sessions;
import dev.ferry.control.access.TokenService;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.server.console.ConsoleRoutes;
import java.util.Locale;

/**
 * Who may make a call: every path but {@code /healthz}, the console's sign-in page and the sign-in and sign-out
 * calls needs a bearer token or, from the web console, a session cookie; a viewer may read (GET, metrics included)
 * but not change anything, nor see tokens; an admin may do everything. A call that changes something with a
 * session cookie must carry an {@code Origin} header (the {@link BrowserGuard} has checked it is the server's
 * own): browsers send one with every such call, so only a page Ferry served can make it. Thread-safe.
 */
public final class AccessPolicy {
    private static final String BEARER = "bearer ";
    private static final String TOKENS = "/v1/tokens";

    private final TokenService tokens;
    private final Sessions sessions;

    public AccessPolicy(TokenService tokens, Sessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    /** True for the paths anyone may call. */
    public static boolean isOpen(String method, String path) {
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        return read && ("/healthz".equals(path) || ConsoleRoutes.isPublic(path))
                || "POST".equals(method) && SessionRoutes.COLLECTION.equals(path)
                || "DELETE".equals(method) && SessionRoutes.CURRENT.equals(path);
    }

    /**
     * The caller, after checking the token (or the console session) and that its role allows the call;
     * UNAUTHENTICATED or PERMISSION_DENIED otherwise.
     */
    public Caller admit(String method, String path, Headers headers) {
        String authorization = headers.getFirst("Authorization");
        String session = authorization == null ? SessionCookie.value(headers.getFirst("Cookie")) : null;
        Caller caller;
        if (session != null) {
            caller = sessions.caller(session);
            if (BrowserGuard.isMutating(method) && headers.getFirst("Origin") == null) {
                throw new FerryException(ErrorCode.PERMISSION_DENIED,
                        "A call that changes something with the console's session cookie must carry an Origin header; "
                                + "use the console, or send Authorization: Bearer TOKEN");
            }
        } else {
            caller = tokens.authenticate(bearer(authorization));
        }
        boolean needsAdmin = BrowserGuard.isMutating(method) || path.equals(TOKENS) || path.startsWith(TOKENS + "/");
        if (needsAdmin && !caller.isAdmin()) {
            throw new FerryException(ErrorCode.PERMISSION_DENIED,
                    "Token %s has role %s, which may only read; this call needs an admin token"
                            .formatted(caller.name(), caller.role().id()));
        }
        return caller;
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() <= BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw new FerryException(ErrorCode.UNAUTHENTICATED,
                    "The Authorization header must be: Bearer TOKEN");
        }
        return value.substring(BEARER.length()).trim();
    }
}
