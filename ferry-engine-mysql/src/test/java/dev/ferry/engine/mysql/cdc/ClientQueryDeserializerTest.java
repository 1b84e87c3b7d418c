package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientQueryDeserializerTest {
    @Test
    void theClientCollationsAreReadAfterTheVariablesServersWriteBeforeThem() {
        byte[] status = {
            0, 0, 0, 0, 0, // FLAGS2
            1, 1, 2, 3, 4, 5, 6, 7, 8, // SQL_MODE
            6, 3, 's', 't', 'd', // CATALOG_NZ
            3, 1, 0, 1, 0, // AUTO_INCREMENT
            4, 8, 0, (byte) 224, 0, 45, 0, // CHARSET: latin1_swedish_ci, utf8mb4_unicode_ci, utf8mb4_general_ci
            5, 6, 'S', 'Y', 'S', 'T', 'E', 'M'};
        assertThat(ClientQueryDeserializer.charset(status)).containsExactly(8, 224);
    }

    @Test
    void anUnknownOrCutVariableStopsTheReading() {
        assertThat(ClientQueryDeserializer.charset(new byte[] {99, 4, 8, 0, 8, 0, 8, 0})).containsExactly(-1, -1);
        assertThat(ClientQueryDeserializer.charset(new byte[] {4, 8, 0})).containsExactly(-1, -1);
        assertThat(ClientQueryDeserializer.charset(new byte[0])).containsExactly(-1, -1);
    }

    @Test
    void textIsUtf8WhenItsBytesAreElseLatin1() {
        assertThat(ClientQueryDeserializer.decode("SELECT 'café ☃'".getBytes(StandardCharsets.UTF_8))).isEqualTo("SELECT 'café ☃'");
        assertThat(ClientQueryDeserializer.decode("SELECT 'café €'".getBytes(java.nio.charset.Charset.forName("windows-1252"))))
                .isEqualTo("SELECT 'café €'");
    }
}
