package dev.ferry.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The classes a real migration loads that the build's training run cannot reach. The class archive that makes
 * Ferry start faster (see {@code scripts/class-archive.sh}) holds the classes its training run loaded, and that run
 * stops at its first connection, as no database is at hand at build time: the driver's query path, the copy and the
 * schema steps would still be loaded from the jars on every start. With {@value #PROPERTY} set, the training run
 * first loads (without initialising: no static code runs) the classes listed in {@value #RESOURCE}, recorded from
 * real one-row migrations by {@code scripts/training-classes.sh}. A name that no longer exists is skipped, so a list
 * older than the code costs only the classes it misses.
 */
final class TrainingClasses {
    static final String PROPERTY = "ferry.training";
    static final String RESOURCE = "training-classes.txt";

    private TrainingClasses() {}

    /** Loads the listed classes when this JVM is the training run. */
    static void loadIfTraining() {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        ClassLoader loader = TrainingClasses.class.getClassLoader();
        try (InputStream in = TrainingClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // renamed or removed since the list was recorded: the archive just lacks it
                }
            }
        } catch (IOException e) {
            // the training only gets fewer classes
        }
    }
}
