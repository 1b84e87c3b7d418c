package dev.ferry.server.access;

/**
 * The web console's session cookie: {@code HttpOnly} (page scripts cannot read it), {@code SameSite=Strict} (no
 * other site's page makes the browser send it), {@code Secure} when the server is reached over HTTPS, for the
 * whole server ({@code Path=/}), and without an expiry, so it ends with the browser.
 */
public final class SessionCookie {
    static final String NAME = "ferry_session";

    private SessionCookie() {}

    /** The session id in a {@code Cookie} request header, or null. */
    public static String value(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String pair : cookieHeader.split(";")) {
            String p = pair.trim();
            if (p.startsWith(NAME + "=")) {
                String value = p.substring(NAME.length() + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The {@code Set-Cookie} value that gives the browser session {@code id}. */
    static String set(String id, boolean secure) {
        return NAME + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that makes the browser forget the session. */
    static String clear(boolean secure) {
        return NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
