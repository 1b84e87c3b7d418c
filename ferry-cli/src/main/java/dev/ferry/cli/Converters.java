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

    /** {@code --apply-partitions}: a whole number from 1 to {@value PerformanceConfig#MAX_APPLY_PARTITIONS}. */
    public static final class ApplyPartitions implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int partitions;
            try {
                partitions = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "'%s' is not a number of apply partitions; use 1 to %d".formatted(value, PerformanceConfig.MAX_APPLY_PARTITIONS));
            }
            if (partitions < 1 || partitions > PerformanceConfig.MAX_APPLY_PARTITIONS) {
                throw new CommandLine.TypeConversionException(("%d apply partitions are not possible; use 1 to %d, or leave "
                        + "the option out for the default (twice the cores, 2 to 8)")
                        .formatted(partitions, PerformanceConfig.MAX_APPLY_PARTITIONS));
            }
            return partitions;
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
