package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {
    private final Handler items = request -> Response.ok("items");
    private final Handler item = request -> Response.ok("item");
    private final Handler start = request -> Response.ok("start");
    private final Router router = new Router()
            .add("GET", "/v1/migrationJobs", items)
            .add("GET", "/v1/migrationJobs/{name}", item)
            .add("DELETE", "/v1/migrationJobs/{name}", item)
            .add("POST", "/v1/migrationJobs/{name}:start", start);

    @Test
    void matchesALiteralPath() {
        assertThat(router.match("GET", "/v1/migrationJobs").handler()).isSameAs(items);
    }

    @Test
    void bindsAPathVariable() {
        var match = router.match("GET", "/v1/migrationJobs/orders");
        assertThat(match.handler()).isSameAs(item);
        assertThat(match.params()).containsEntry("name", "orders");
    }

    @Test
    void bindsTheNameBeforeACustomVerb() {
        var match = router.match("POST", "/v1/migrationJobs/orders:start");
        assertThat(match.handler()).isSameAs(start);
        assertThat(match.params()).containsEntry("name", "orders");
    }

    @Test
    void toleratesATrailingSlash() {
        assertThat(router.match("GET", "/v1/migrationJobs/").handler()).isSameAs(items);
    }

    @Test
    void answers404ForAnUnknownPath() {
        assertThatThrownBy(() -> router.match("GET", "/v1/nothing"))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void answers404ForAnUnknownVerb() {
        assertThatThrownBy(() -> router.match("POST", "/v1/migrationJobs/orders:explode"))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void answers405NamingTheAllowedMethodsForAKnownPathUnderAnotherMethod() {
        assertThatThrownBy(() -> router.match("PUT", "/v1/migrationJobs/orders"))
                .isInstanceOfSatisfying(HttpError.class, e -> {
                    assertThat(e.status()).isEqualTo(405);
                    assertThat(e.allow()).isEqualTo("DELETE, GET");
                });
    }

    @Test
    void listsItsRoutesInTheOrderAdded() {
        assertThat(router.endpoints()).extracting(Router.Endpoint::toString).containsExactly("GET /v1/migrationJobs",
                "GET /v1/migrationJobs/{name}", "DELETE /v1/migrationJobs/{name}", "POST /v1/migrationJobs/{name}:start");
    }
}
