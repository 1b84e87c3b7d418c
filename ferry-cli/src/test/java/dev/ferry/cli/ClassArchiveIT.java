package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive the launcher makes at build time (scripts/class-archive.sh) is made for the built jar, and the JVM
 * takes it: a training run that fails, or an archive the JVM refuses, would only show as a slower start, since the
 * launcher then starts Ferry without one, without a word.
 */
@Timeout(180)
class ClassArchiveIT {
    @TempDir
    Path dir;

    @Test
    void theLaunchersTrainingRunMakesAnArchiveTheJvmTakes() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path jar = dir.resolve("ferry.jar");
        Files.copy(Path.of("target/ferry.jar"), jar);
        copyTree(Path.of("target/lib"), dir.resolve("lib"));
        String script = """
                set -e
                . "$ROOT/scripts/jdk.sh"
                ferry_pick_jdk
                . "$ROOT/scripts/class-archive.sh"
                ferry_class_archive_create "$JAR" -Xms32m -Xmx384m
                archive=$(ferry_class_archive_path "$JAR")
                test -s "$archive" || { echo "no archive at $archive"; exit 3; }
                if [ "$FERRY_JAVA_MAJOR" -ge 25 ]; then use=(-XX:AOTCache="$archive" -XX:AOTMode=on)
                else use=(-XX:SharedArchiveFile="$archive" -Xshare:on); fi
                "$JAVA_HOME/bin/java" "${use[@]}" -Xms32m -Xmx384m -jar "$JAR" migrate --help
                """;
        var process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        process.environment().put("ROOT", root.toString());
        process.environment().put("JAR", jar.toString());
        Process p = process.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("Usage: ferry migrate");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
