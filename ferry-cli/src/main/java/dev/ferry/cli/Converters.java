package dev.ferry.cli;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.PerformanceConfig;
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

    /**
     * A whole number in a range: {@code what} names the unit in the messages ("apply partitions"), {@code fallback}
     * says what leaving the option out gives.
     */
    abstract static class WholeNumber implements CommandLine.ITypeConverter<Integer> {
        private final int max;
        private final String what;
        private final String fallback;

        WholeNumber(int max, String what, String fallback) {
            this.max = max;
            this.what = what;
            this.fallback = fallback;
        }

        @Override
        public Integer convert(String value) {
            int number;
            try {
                number = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'%s' is not a number of %s; use 1 to %d".formatted(value, what, max));
            }
            if (number < 1 || number > max) {
                throw new CommandLine.TypeConversionException("%d %s are not possible; use 1 to %d, or leave the option out for the default (%s)"
                        .formatted(number, what, max, fallback));
            }
            return number;
        }
    }

    /** {@code --apply-partitions}: a whole number from 1 to {@value PerformanceConfig#MAX_APPLY_PARTITIONS}. */
    public static final class ApplyPartitions extends WholeNumber {
        public ApplyPartitions() {
            super(PerformanceConfig.MAX_APPLY_PARTITIONS, "apply partitions", "twice the cores, 2 to 8");
        }
    }

    /** {@code --parallelism}: a whole number from 1 to {@value PerformanceConfig#MAX_PARALLELISM}. */
    public static final class Parallelism extends WholeNumber {
        public Parallelism() {
            super(PerformanceConfig.MAX_PARALLELISM, "copy sessions", "from the cores available");
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
