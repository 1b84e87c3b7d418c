package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientTextTest {
    @Test
    void onlyNonAsciiTextUnderACharacterSetOtherThanUtf8NeedsConverting() {
        assertThat(ClientText.sentAsIs("utf8mb4", "SELECT 'café'")).isTrue();
        assertThat(ClientText.sentAsIs("UTF8MB3", "SELECT 'café'")).isTrue();
        assertThat(ClientText.sentAsIs("utf8", "SELECT 'café'")).isTrue();
        assertThat(ClientText.sentAsIs("latin1", "SELECT 'cafe'")).isTrue();
        assertThat(ClientText.sentAsIs("latin1", "SELECT 'café'")).isFalse();
        assertThat(ClientText.sentAsIs("cp1250", "SELECT '\u007f'")).isTrue();
        assertThat(ClientText.sentAsIs("sjis", "SELECT '\u0080'")).isFalse();
    }
}
