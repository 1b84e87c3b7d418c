package dev.ferry.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The API's JSON: camelCase record components, nulls omitted, unknown fields refused. Parse errors
 * become INVALID_ARGUMENT with a message naming the field and the expected type, never echoing the
 * body (it may hold a password). Thread-safe.
 */
public final class Json {
    private final ObjectMapper mapper = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
    }

    /** Parses {@code bytes} as {@code type}; returns null for an empty body or a JSON {@code null}. */
    public <T> T read(byte[] bytes, Class<T> type) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return mapper.readValue(bytes, type);
        } catch (JacksonException e) {
            throw describe(e);
        } catch (IOException e) {
            throw invalid("The request body could not be read", e);
        }
    }

    private static FerryException describe(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamReadException syntax) {
                JsonLocation at = syntax.getLocation();
                String where = at == null ? "" : " (line %d, column %d)".formatted(at.getLineNr(), at.getColumnNr());
                return invalid("The request body is not valid JSON" + where, e);
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? ""
                    : "; known fields: " + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                            .collect(Collectors.joining(", "));
            return invalid("Unknown field '%s'%s".formatted(path(unknown), known), e);
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (mismatch.getPath().isEmpty()) {
                return invalid("The request body must be a JSON object", e);
            }
            return invalid("Field '%s' must be %s".formatted(path(mismatch), describe(mismatch.getTargetType())), e);
        }
        if (e instanceof JsonMappingException mapping) {
            return invalid("Field '%s' has an invalid value".formatted(path(mapping)), e);
        }
        return invalid("The request body is not valid JSON", e);
    }

    private static FerryException invalid(String message, Exception cause) {
        // the cause's own message quotes the input; keep it out of the user-facing text (see class doc)
        return new FerryException(ErrorCode.INVALID_ARGUMENT, message, cause);
    }

    private static String path(JsonMappingException e) {
        return fieldPath(e.getPath());
    }

    /** A field's path such as {@code postgresql.ssl.mode} or {@code migrationJobs[0].name}, from a mapping error's. */
    public static String fieldPath(java.util.List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a whole number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of another type";
    }
}
