package dev.ferry.server.http;

/** Handles one route. Throws {@link dev.ferry.core.FerryException} for anything the caller did wrong. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request);
}
