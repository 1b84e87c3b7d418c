package dev.ferry.engine.mysql;

import dev.ferry.core.model.DatabaseConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs mydumper then myloader between two servers, the way bench/mysql-full-load.sh does, and times them. */
final class PeerDump {
    private PeerDump() {}

    /** Dumps {@code database} from {@code source} and loads it as {@code target} into {@code destination}; returns the wall ms. */
    static long dumpAndLoad(DatabaseConnection source, DatabaseConnection destination, String database, String target, int threads)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ferry-peer-dump");
        try {
            long start = System.nanoTime();
            run(List.of("mydumper", "-h", source.host(), "-P", Integer.toString(source.port()), "-u", source.username(),
                    "-p", source.password().reveal(), "-B", database, "-o", dir.resolve("dump").toString(),
                    "--threads", Integer.toString(threads), "--rows", "100000"), dir.resolve("mydumper.log"));
            run(List.of("myloader", "-h", destination.host(), "-P", Integer.toString(destination.port()), "-u",
                    destination.username(), "-p", destination.password().reveal(), "-B", target, "-d", dir.resolve("dump").toString(),
                    "--threads", Integer.toString(threads)), dir.resolve("myloader.log"));
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(command.getFirst() + " failed: " + Files.readString(log));
        }
    }
}
