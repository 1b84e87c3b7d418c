package dev.ferry.engine.mysql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaWriterTest {
    @Test
    void onlyNonAsciiTextUnderACharacterSetOtherThanUtf8NeedsConverting() {
        assertThat(SchemaWriter.sentAsIs("utf8mb4", "SELECT 'café'")).isTrue();
        assertThat(SchemaWriter.sentAsIs("UTF8MB3", "SELECT 'café'")).isTrue();
        assertThat(SchemaWriter.sentAsIs("utf8", "SELECT 'café'")).isTrue();
        assertThat(SchemaWriter.sentAsIs("latin1", "SELECT 'cafe'")).isTrue();
        assertThat(SchemaWriter.sentAsIs("latin1", "SELECT 'café'")).isFalse();
        assertThat(SchemaWriter.sentAsIs("cp1250", "SELECT '\u007f'")).isTrue();
        assertThat(SchemaWriter.sentAsIs("sjis", "SELECT '\u0080'")).isFalse();
    }
}
