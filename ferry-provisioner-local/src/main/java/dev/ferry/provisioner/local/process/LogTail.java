package dev.ferry.provisioner.local.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The last lines of a server log or command output, for quoting in error messages. */
public final class LogTail {
    private static final int MAX_BYTES = 16 * 1024;

    private LogTail() {}

    /** The last {@code lines} non-blank lines of {@code text}. */
    public static String lastLines(String text, int lines) {
        String[] all = text.strip().split("\\R");
        return Arrays.stream(all, Math.max(0, all.length - lines), all.length)
                .filter(line -> !line.isBlank())
                .collect(Collectors.joining("\n"));
    }

    /** The last {@code lines} lines of {@code file}, or a note saying why there are none. */
    public static String of(Path file, int lines) {
        if (file == null || !Files.isReadable(file)) {
            return "(no log at " + file + ")";
        }
        try (var raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String text = lastLines(new String(bytes, StandardCharsets.UTF_8), lines);
            return text.isEmpty() ? "(log " + file + " is empty)" : text;
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
    }
}
