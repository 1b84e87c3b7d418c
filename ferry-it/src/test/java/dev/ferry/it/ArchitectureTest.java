package dev.ferry.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the seams of the module layout: who may know databases, who may print, what tests may not do. */
class ArchitectureTest {
    private static JavaClasses main;
    private static JavaClasses tests;

    @BeforeAll
    static void importClasses() throws IOException {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.ferry");
        tests = new ClassFileImporter().importPaths(testClassDirectories());
    }

    /** Every module's compiled tests, found beside this module in the reactor. */
    private static List<Path> testClassDirectories() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        try (Stream<Path> modules = Files.list(root)) {
            return modules.map(m -> m.resolve("target/test-classes")).filter(Files::isDirectory).toList();
        }
    }

    @Test
    void controlAndRunnerNeverTouchDatabaseDrivers() {
        noClasses().that().resideInAnyPackage("dev.ferry.control..", "dev.ferry.server..", "dev.ferry.core..",
                        "dev.ferry.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.mariadb..", "com.mysql..")
                .check(main);
        noClasses().that().resideInAnyPackage("dev.ferry.control..", "dev.ferry.server..", "dev.ferry.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postgresql..")
                .check(main);
    }

    @Test
    void controlReachesEnginesAndProvisionersOnlyThroughTheSpi() {
        noClasses().that().resideInAnyPackage("dev.ferry.control..", "dev.ferry.server..", "dev.ferry.store..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.ferry.engine..", "dev.ferry.provisioner..")
                .check(main);
    }

    @Test
    void coreDependsOnNothingButTheJdkAndSlf4j() {
        noClasses().that().resideInAPackage("dev.ferry.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.ferry.core..", "java..", "javax..", "org.slf4j..")
                .check(main);
    }

    @Test
    void onlyCliCommandsWriteToStandardOutput() {
        noClasses().that().resideOutsideOfPackage("dev.ferry.cli..")
                .should().accessField(System.class, "out")
                .because("only CLI commands write to standard output; everything else logs")
                .check(main);
    }

    @Test
    void caseConversionAlwaysNamesALocale() {
        noClasses().should().callMethod(String.class, "toLowerCase")
                .orShould().callMethod(String.class, "toUpperCase")
                .because("locale-less case conversion breaks in Turkish and other locales; pass Locale.ROOT")
                .check(main);
    }

    @Test
    void testsNeverSleep() {
        noClasses().should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
                .because("tests wait for a condition with a deadline (Awaitility), never for a fixed time")
                .check(tests);
    }
}
