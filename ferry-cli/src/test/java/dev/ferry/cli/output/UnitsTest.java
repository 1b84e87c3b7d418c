package dev.ferry.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void writesCountsWithThousandsSeparators() {
        assertThat(Units.count(1234567)).isEqualTo("1,234,567");
    }

    @Test
    void writesBytesInBinaryUnits() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(1536)).isEqualTo("1.5 KB");
        assertThat(Units.bytes(412L * 1024 * 1024)).isEqualTo("412 MB");
        assertThat(Units.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GB");
    }

    @Test
    void writesCompactNumbersAndRates() {
        assertThat(Units.compact(950)).isEqualTo("950");
        assertThat(Units.compact(45_100)).isEqualTo("45.1k");
        assertThat(Units.compact(1_200_000)).isEqualTo("1.2M");
        assertThat(Units.rowsPerSecond(45_100)).isEqualTo("45.1k rows/s");
        assertThat(Units.bytesPerSecond(12.5 * 1024 * 1024)).isEqualTo("12.5 MB/s");
    }

    @Test
    void writesDurationsForPeople() {
        assertThat(Units.duration(Duration.ofSeconds(4))).isEqualTo("4s");
        assertThat(Units.duration(Duration.ofSeconds(65))).isEqualTo("1m05s");
        assertThat(Units.duration(Duration.ofMinutes(123))).isEqualTo("2h03m");
    }

    @Test
    void printsConnectHintsWithoutPasswords() {
        assertThat(ConnectHint.command("postgresql", "127.0.0.1", 5433, "postgres", "shop"))
                .isEqualTo("psql -h 127.0.0.1 -p 5433 -U postgres -d shop");
        assertThat(ConnectHint.command("mysql", "h", 3307, "root", null)).isEqualTo("mariadb -h h -P 3307 -u root -p");
    }
}
