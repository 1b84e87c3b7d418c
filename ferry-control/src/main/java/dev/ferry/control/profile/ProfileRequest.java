package dev.ferry.control.profile;

import dev.ferry.core.model.ConnectionSpec;
import java.util.Map;

/** What a caller asks for when creating a connection profile. {@code displayName} and {@code labels} may be null. */
public record ProfileRequest(String name, String displayName, Map<String, String> labels, ConnectionSpec spec) {}
