package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.server.profile.ProfileJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    private final Json json = new Json();

    private ProfileJson read(String text) {
        return json.read(text.getBytes(StandardCharsets.UTF_8), ProfileJson.class);
    }

    @Test
    void readsNestedRecords() {
        var profile = read("{\"postgresql\":{\"host\":\"db\",\"port\":5433,\"username\":\"u\",\"ssl\":{\"mode\":\"require\"}}}");
        assertThat(profile.postgresql().port()).isEqualTo(5433);
        assertThat(profile.postgresql().ssl().mode()).isEqualTo("require");
    }

    @Test
    void refusesMalformedJsonWithoutEchoingTheBody() {
        assertThatThrownBy(() -> read("{\"postgresql\": {\"password\": sup3rsecret}"))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("not valid JSON").doesNotContain("sup3rsecret");
                });
    }

    @Test
    void namesTheFieldOfTheWrongType() {
        assertThatThrownBy(() -> read("{\"postgresql\":{\"port\":\"many\"}}"))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("Field 'postgresql.port' must be a whole number"));
    }

    @Test
    void namesAnUnknownField() {
        assertThatThrownBy(() -> read("{\"postgresql\":{\"hots\":\"db\"}}"))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.getMessage()).startsWith("Unknown field 'postgresql.hots'"));
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        assertThatThrownBy(() -> read("[1, 2]"))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("The request body must be a JSON object"));
    }

    @Test
    void omitsNullsWhenWriting() {
        String text = new String(json.write(new ErrorBody("NOT_FOUND", null)), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"code\":\"NOT_FOUND\"}");
    }

    @Test
    void writesMapsAsObjects() {
        String text = new String(json.write(Map.of("status", "ok")), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"status\":\"ok\"}");
    }
}
