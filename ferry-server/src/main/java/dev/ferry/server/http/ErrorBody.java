package dev.ferry.server.http;

/** The body of every error answer, and the {@code error} of a failed operation or job: {@code {code, message}}. */
public record ErrorBody(String code, String message) {}
