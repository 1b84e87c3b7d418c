package dev.ferry.cli;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobType;
import java.util.Locale;
import picocli.CommandLine;

/** Option value converters whose messages say what is accepted. */
public final class Converters {
    private Converters() {}

    /** {@code postgresql} (or {@code postgres}), {@code mysql} (or {@code mariadb}). */
    public static final class Engine implements CommandLine.ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            try {
                return EngineKind.parse(value);
            } catch (FerryException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code one-time} or {@code continuous} (also {@code ONE_TIME}). */
    public static final class Type implements CommandLine.ITypeConverter<JobType> {
        @Override
        public JobType convert(String value) {
            try {
                return JobType.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'%s' is not a job type; use one-time or continuous".formatted(value));
            }
        }
    }
}
