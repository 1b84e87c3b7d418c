package dev.ferry.core.model;

/** What a connection profile describes: a server that exists, or an instance Ferry creates. */
public sealed interface ConnectionSpec permits DatabaseConnection, ManagedInstance {
    EngineKind engine();
}
