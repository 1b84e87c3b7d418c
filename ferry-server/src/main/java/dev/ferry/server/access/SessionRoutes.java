package dev.ferry.server.access;

import dev.ferry.control.access.Caller;
import dev.ferry.control.access.CurrentCaller;
import dev.ferry.control.access.Sessions;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;

/**
 * {@code /v1/sessions}: the web console's sign-in. {@code POST /v1/sessions} with {@code {"token": "..."}} answers
 * who the token is and sets the session cookie; {@code GET /v1/sessions/current} says who the caller is (with a
 * cookie or a bearer token); {@code DELETE /v1/sessions/current} signs out. The token is checked once here and
 * never handed back.
 */
public final class SessionRoutes {
    static final String COLLECTION = "/v1/sessions";
    static final String CURRENT = COLLECTION + "/current";

    private final Sessions sessions;
    private final boolean secure;

    private SessionRoutes(Sessions sessions, boolean secure) {
        this.sessions = sessions;
        this.secure = secure;
    }

    /** The body of a sign-in. */
    public record SignInJson(String token) {
        @Override
        public String toString() {
            return "SignInJson[***]";
        }
    }

    /** Who a session or token acts as: the token's name and its role ({@code admin} or {@code viewer}). */
    public record WhoJson(String name, String role) {
        static WhoJson of(Caller caller) {
            return new WhoJson(caller.name(), caller.role().id());
        }
    }

    /** {@code secure}: the server is reached over HTTPS, so the cookie is sent over HTTPS only. */
    public static void register(Router router, Sessions sessions, boolean secure) {
        var routes = new SessionRoutes(sessions, secure);
        router.add("POST", COLLECTION, routes::signIn)
                .add("GET", CURRENT, request -> Response.ok(WhoJson.of(CurrentCaller.get())))
                .add("DELETE", CURRENT, routes::signOut);
    }

    private Response signIn(Request request) {
        SignInJson body = request.body(SignInJson.class);
        if (body.token() == null || body.token().isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Give an API token to sign in; the first admin token is in the file admin.token in Ferry's home");
        }
        Sessions.Opened opened = sessions.open(body.token());
        return Response.ok(WhoJson.of(opened.caller())).withHeader("Set-Cookie", SessionCookie.set(opened.id(), secure));
    }

    private Response signOut(Request request) {
        String id = SessionCookie.value(request.header("Cookie"));
        if (id != null) {
            sessions.close(id);
        }
        return Response.ok(java.util.Map.of("signedOut", true)).withHeader("Set-Cookie", SessionCookie.clear(secure));
    }
}
