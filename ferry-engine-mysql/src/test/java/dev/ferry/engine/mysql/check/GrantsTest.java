package dev.ferry.engine.mysql.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrantsTest {
    @Test
    void readsGlobalAndDatabaseGrantsInBothFlavorsSpelling() {
        Grants g = Grants.parse(List.of(
                "GRANT RELOAD, BINLOG MONITOR, REPLICATION REPLICA ON *.* TO `ferry`@`%` IDENTIFIED BY PASSWORD '*ABC'",
                "GRANT SELECT, SHOW VIEW, TRIGGER ON `shop`.* TO `ferry`@`%`",
                "GRANT SELECT (a, b), UPDATE ON `shop`.`t` TO `ferry`@`%`"));

        assertThat(g.global("RELOAD")).isTrue();
        assertThat(g.global("REPLICATION CLIENT")).isTrue();
        assertThat(g.global("REPLICATION SLAVE")).isTrue();
        assertThat(g.global("SUPER")).isFalse();
        assertThat(g.on("SELECT", "shop")).isTrue();
        assertThat(g.on("SHOW VIEW", "shop")).isTrue();
        assertThat(g.on("EVENT", "shop")).isFalse();
        assertThat(g.on("UPDATE", "shop")).isFalse();
        assertThat(g.on("SELECT", "other")).isFalse();
        assertThat(g.viaRoles()).isFalse();
    }

    @Test
    void allPrivilegesCoverEverythingAtTheirLevel() {
        Grants g = Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION"));
        Grants db = Grants.parse(List.of("GRANT USAGE ON *.* TO 'u'@'%'", "GRANT ALL PRIVILEGES ON `app`.* TO 'u'@'%'"));

        assertThat(g.global("SUPER")).isTrue();
        assertThat(g.on("EVENT", "anything")).isTrue();
        assertThat(db.on("EXECUTE", "app")).isTrue();
        assertThat(db.global("RELOAD")).isFalse();
    }

    @Test
    void databasePatternsMatchLikeMysqlDoes() {
        Grants g = Grants.parse(List.of("GRANT SELECT ON `app\\_%`.* TO 'u'@'%'", "GRANT EVENT ON `we``ird`.* TO 'u'@'%'"));

        assertThat(g.on("SELECT", "app_1")).isTrue();
        assertThat(g.on("SELECT", "appx1")).isFalse();
        assertThat(g.on("EVENT", "we`ird")).isTrue();
        assertThat(Grants.matches("a_c", "abc")).isTrue();
        assertThat(Grants.matches("a.c", "abc")).isFalse();
    }

    @Test
    void notesRoles() {
        assertThat(Grants.parse(List.of("GRANT `reader` TO `u`@`%`")).viaRoles()).isTrue();
        assertThat(Grants.parse(List.of("GRANT `app_reader`@`%` TO `u`@`%`")).viaRoles()).isTrue();
    }
}
