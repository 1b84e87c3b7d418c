package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FerryCommandTest {
    @Test
    void theCommandIsTheFirstArgumentThatIsNeitherAnOptionNorAGlobalOptionsValue() {
        assertThat(FerryCommand.command(new String[] {"migrate", "--source", "x"})).isEqualTo("migrate");
        assertThat(FerryCommand.command(new String[] {"--home", "migrate", "nodes", "list"})).isEqualTo("nodes");
        assertThat(FerryCommand.command(new String[] {"--home=/h", "migrate"})).isEqualTo("migrate");
        assertThat(FerryCommand.command(new String[] {"--format", "json", "--server", "s", "migration-jobs"}))
                .isEqualTo("migration-jobs");
        assertThat(FerryCommand.command(new String[] {"--version"})).isNull();
    }

    @Test
    void aMigrationBuildsOnlyItsOwnCommandAndEverythingElseTheWholeTree() {
        var migrate = FerryCommand.commandLine(new String[] {"--home", "/h", "migrate", "--source", "s"});
        assertThat(migrate.getSubcommands()).containsOnlyKeys("migrate");
        migrate.parseArgs("--home", "/h", "migrate", "--source", "postgresql://u@h/db", "--destination", "postgresql://u@h2");

        var whole = FerryCommand.commandLine().getSubcommands().keySet();
        assertThat(whole).contains("server", "migration-jobs", "migrate", "demo", "completion", "help").hasSize(14);
        assertThat(FerryCommand.commandLine(new String[] {"--help"}).getSubcommands().keySet()).isEqualTo(whole);
        assertThat(FerryCommand.commandLine(new String[] {"nodes", "list"}).getSubcommands().keySet()).isEqualTo(whole);
    }
}
