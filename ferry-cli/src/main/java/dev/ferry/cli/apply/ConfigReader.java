package dev.ferry.cli.apply;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a configuration file into a {@link ConfigDocument}. Anything wrong is INVALID_ARGUMENT naming the file, the
 * line and the field, and never quoting the file's text (it might hold a secret by mistake): YAML that does not parse,
 * an unknown field, a value of the wrong type, and a literal password, which is refused with the way to reference it.
 */
public final class ConfigReader {
    /** Fields that would hold a secret's value; the file references secrets instead. */
    private static final Set<String> LITERAL_SECRETS = Set.of("password", "rootPassword", "clientKey");

    private final YAMLMapper mapper = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public ConfigDocument read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Configuration file %s does not exist".formatted(file), e);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Cannot read configuration file %s; check the path and its permissions".formatted(file), e);
        }
        return parse(text, file.toString());
    }

    /** Parses {@code text}; {@code source} names it in errors. */
    public ConfigDocument parse(String text, String source) {
        ConfigDocument document;
        try {
            var tree = mapper.readTree(text);
            document = tree == null || tree.isMissingNode() || tree.isNull() ? null
                    : mapper.readValue(text, ConfigDocument.class);
        } catch (JacksonException e) {
            throw describe(e, source, text);
        }
        if (document == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("%s declares nothing; list connectionProfiles and "
                    + "migrationJobs in it (see ferry export for the format)").formatted(source));
        }
        return document;
    }

    private static FerryException describe(JacksonException e, String source, String text) {
        String where = where(source, e.getLocation());
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().getLast().getFieldName();
            if (field != null && e.getLocation() != null) {
                where = "%s line %d".formatted(source, lineOf(text, field, e.getLocation().getLineNr()));
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException yaml) {
                String line = yaml.getProblemMark() == null ? where
                        : "%s line %d, column %d".formatted(source, yaml.getProblemMark().getLine() + 1,
                                yaml.getProblemMark().getColumn() + 1);
                return invalid("%s: not valid YAML (%s); fix the file and apply again".formatted(line, yaml.getProblem()), e);
            }
        }
        if (e instanceof StreamReadException) {
            return invalid("%s: not valid YAML; fix the file and apply again".formatted(where), e);
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = unknown.getPropertyName();
            String parent = path((JsonMappingException) e, true);
            if (LITERAL_SECRETS.contains(field)) {
                String reference = field.equals("clientKey") ? "clientKeyFile: PATH" : field + "Env: VARIABLE or " + field + "File: PATH";
                return invalid(("%s: %s%s holds a secret's value; a configuration file only references secrets. Write "
                        + "%s instead").formatted(where, parent.isEmpty() ? "" : parent + ".", field, reference), e);
            }
            String known = unknown.getKnownPropertyIds() == null ? "" : "; known fields: " + unknown.getKnownPropertyIds()
                    .stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return invalid("%s: unknown field '%s'%s%s".formatted(where, field, parent.isEmpty() ? "" : " in " + parent,
                    known), e);
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            return invalid("%s: %s must be %s".formatted(where, path(mismatch, false), expected(mismatch.getTargetType())), e);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return invalid("%s: %s has an invalid value".formatted(where, path(mapping, false)), e);
        }
        return invalid("%s: the file must be a mapping with connectionProfiles and migrationJobs".formatted(where), e);
    }

    /**
     * The line that names {@code field}, at or before {@code reported}: the parser reports where it stopped, which is
     * past the value and, in YAML, often on the next line.
     */
    static int lineOf(String text, String field, int reported) {
        String[] lines = text.split("\n", -1);
        var key = java.util.regex.Pattern.compile("(^|[\\s{,-])" + java.util.regex.Pattern.quote(field) + "\\s*:");
        for (int i = Math.min(reported, lines.length) - 1; i >= 0; i--) {
            if (key.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return reported;
    }

    private static String where(String source, JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? source : "%s line %d".formatted(source, at.getLineNr());
    }

    /** The field's path such as {@code connectionProfiles[0].postgresql.port}; without the last part when {@code parent}. */
    private static String path(JsonMappingException e, boolean parent) {
        var refs = e.getPath();
        return dev.ferry.server.http.Json.fieldPath(parent ? refs.subList(0, refs.size() - 1) : refs);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a single value";
        }
        return "a mapping of fields";
    }

    private static FerryException invalid(String message, Exception cause) {
        return new FerryException(ErrorCode.INVALID_ARGUMENT, message, cause);
    }
}
