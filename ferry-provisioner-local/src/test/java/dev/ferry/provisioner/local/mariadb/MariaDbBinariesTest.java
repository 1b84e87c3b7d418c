package dev.ferry.provisioner.local.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MariaDbBinariesTest {
    @Test
    void provisionsReleasesFrom104On() {
        assertThat(MariaDbBinaries.initialisable("11.4.5")).isTrue();
        assertThat(MariaDbBinaries.initialisable("11.4")).isTrue();
        assertThat(MariaDbBinaries.initialisable("10.4")).isTrue();
        assertThat(MariaDbBinaries.initialisable("11")).isTrue();
        assertThat(MariaDbBinaries.initialisable("10.2.11")).isFalse();
        assertThat(MariaDbBinaries.initialisable("10")).isTrue();
        assertThat(MariaDbBinaries.initialisable("5.1")).isFalse();
        assertThat(MariaDbBinaries.initialisable("latest")).isFalse();
    }
}
