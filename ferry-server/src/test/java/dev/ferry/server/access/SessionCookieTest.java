package dev.ferry.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionCookieTest {
    @Test
    void theCookieIsSecureOnlyWhenTheServerIsReachedOverHttps() {
        assertThat(SessionCookie.set("abc", true)).isEqualTo("ferry_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
        assertThat(SessionCookie.set("abc", false)).isEqualTo("ferry_session=abc; Path=/; HttpOnly; SameSite=Strict");
        assertThat(SessionCookie.clear(true)).contains("Max-Age=0").endsWith("; Secure");
    }

    @Test
    void theSessionIdIsFoundAmongOtherCookies() {
        assertThat(SessionCookie.value("theme=dark; ferry_session=xyz; other=1")).isEqualTo("xyz");
        assertThat(SessionCookie.value("theme=dark")).isNull();
        assertThat(SessionCookie.value("ferry_session=")).isNull();
        assertThat(SessionCookie.value(null)).isNull();
    }
}
