package dev.ferry.server.http;

/** A response body sent as plain text rather than JSON (the Prometheus exposition format, for one). */
public record PlainText(String text) {}
