package dev.ferry.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiClientTest {
    @Test
    void onlyLoopbackUrlsCountAsThisMachine() {
        assertThat(ApiClient.isLoopback("http://127.0.0.1:8642")).isTrue();
        assertThat(ApiClient.isLoopback("https://localhost:8642/")).isTrue();
        assertThat(ApiClient.isLoopback("http://[::1]:8642")).isTrue();
        assertThat(ApiClient.isLoopback("http://127.9.8.7")).isTrue();
        assertThat(ApiClient.isLoopback("http://ferry.internal:8642")).isFalse();
        assertThat(ApiClient.isLoopback("http://10.0.0.5:8642")).isFalse();
        assertThat(ApiClient.isLoopback("http://127.0.0.1.evil.example:8642")).isFalse();
        assertThat(ApiClient.isLoopback("http://localhost.evil.example")).isFalse();
    }
}
