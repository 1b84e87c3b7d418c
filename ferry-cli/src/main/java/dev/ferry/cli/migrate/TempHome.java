package dev.ferry.cli.migrate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Ferry home for one command: a given directory that stays, or a fresh temporary one deleted on close. */
final class TempHome implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TempHome.class);

    private final Path path;
    private final boolean temporary;

    private TempHome(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    static TempHome kept(Path path) {
        return new TempHome(path, false);
    }

    static TempHome fresh() {
        try {
            return new TempHome(Files.createTempDirectory("ferry-migrate-"), true);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create a temporary directory for Ferry's state; pass --home DIR", e);
        }
    }

    Path path() {
        return path;
    }

    boolean temporary() {
        return temporary;
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.atWarn().addKeyValue("home", path).setCause(e).log("could not delete the temporary Ferry home; remove it by hand");
        }
    }
}
