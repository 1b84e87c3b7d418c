package dev.ferry.server.access;

import com.sun.net.httpserver.Headers;
import dev.ferry.control.access.Caller;
import dev.ferry.control.access.TokenService;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;

/**
 * Who may make a call: every path but {@code /healthz} needs a bearer token; a viewer may read (GET,
 * metrics included) but not change anything, nor see tokens; an admin may do everything. Thread-safe.
 */
public final class AccessPolicy {
    private static final String BEARER = "bearer ";
    private static final String TOKENS = "/v1/tokens";

    private final TokenService tokens;

    public AccessPolicy(TokenService tokens) {
        this.tokens = tokens;
    }

    /** True for the paths anyone may call. */
    public static boolean isOpen(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && "/healthz".equals(path);
    }

    /** The caller, after checking the token and that its role allows the call; UNAUTHENTICATED or PERMISSION_DENIED otherwise. */
    public Caller admit(String method, String path, Headers headers) {
        Caller caller = tokens.authenticate(bearer(headers.getFirst("Authorization")));
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
