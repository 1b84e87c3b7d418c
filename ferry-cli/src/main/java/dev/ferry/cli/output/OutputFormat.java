package dev.ferry.cli.output;

import java.util.Locale;
import picocli.CommandLine;

/** How a client command prints: aligned tables for people, or the API's JSON for programs. */
public enum OutputFormat {
    TABLE,
    JSON;

    /** Accepts {@code table} and {@code json} in any case. */
    public static final class Converter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "table" -> TABLE;
                case "json" -> JSON;
                default -> throw new CommandLine.TypeConversionException(
                        "'%s' is not an output format; use table or json".formatted(value));
            };
        }
    }
}
