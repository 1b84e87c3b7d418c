package dev.ferry.engine.postgres.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.engine.postgres.catalog.DatabaseLocale;
import org.junit.jupiter.api.Test;

class DatabaseCreatorTest {
    @Test
    void createsFromTemplate0WithTheSourceEncodingAndLocale() {
        var sql = DatabaseCreator.createStatement("Shop \"EU\"", new DatabaseLocale("LATIN1", "de_DE", "de_DE", "c", null), 15);
        assertThat(sql).isEqualTo("CREATE DATABASE \"Shop \"\"EU\"\"\" TEMPLATE template0 ENCODING 'LATIN1' "
                + "LC_COLLATE 'de_DE' LC_CTYPE 'de_DE'");
    }

    @Test
    void keepsTheIcuProviderWhereTheDestinationHasIt() {
        var icu = new DatabaseLocale("UTF8", "en_US.UTF-8", "en_US.UTF-8", "i", "en-US");
        assertThat(DatabaseCreator.createStatement("d", icu, 16)).endsWith("LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
        assertThat(DatabaseCreator.createStatement("d", icu, 14)).doesNotContain("LOCALE_PROVIDER");
        assertThat(DatabaseCreator.keepsProvider(icu, 14)).isFalse();
        assertThat(DatabaseCreator.keepsProvider(icu, 15)).isTrue();
    }
}
