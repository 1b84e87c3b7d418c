package dev.ferry.cli.demo;

import dev.ferry.cli.FerryCall;
import dev.ferry.cli.GlobalOptions;
import dev.ferry.cli.Homes;
import dev.ferry.cli.LogSetup;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.migrate.InProcessRun;
import dev.ferry.cli.migrate.Interruption;
import dev.ferry.cli.output.ConnectHint;
import dev.ferry.cli.output.Terminal;
import dev.ferry.core.model.DatabaseConnection;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", sortOptions = false,
        description = {"Show Ferry end to end: create a PostgreSQL instance with a sample database 'shop', "
                + "migrate it to a new instance and compare both sides.",
                "Runs in this process (no server needed); the two instances keep running afterwards."})
public final class DemoCommand extends FerryCall {
    @Option(names = "--rows", paramLabel = "N", description = "About how many rows the sample database holds in total (default: ${DEFAULT-VALUE})")
    int rows = 300_000;

    @Override
    protected int run() throws InterruptedException {
        if (rows < 1_000 || rows > 50_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rows must be from 1000 to 50000000");
        }
        Path dir = Homes.create(Homes.resolve(GlobalOptions.of(spec).home()));
        Path logFile = dir.resolve("logs").resolve("demo.log");
        LogSetup.toFile(logFile);
        boolean terminal = Terminal.stderrIsTerminal();
        try (Interruption interruption = Interruption.install(err()); Wiring wiring = Wiring.open(dir)) {
            var run = new InProcessRun(wiring.control(), out(), err(), terminal, interruption);
            var instances = new DemoInstances(wiring.control(), run, err());
            err().printf("Ferry demo in %s (log: %s)%n", dir, logFile);
            err().flush();
            wiring.control().profiles().startManagedInstances();
            try {
                return demo(wiring, run, instances, interruption);
            } catch (RuntimeException | InterruptedException e) {
                instances.settle(Duration.ofSeconds(45));
                throw e;
            }
        }
    }

    private int demo(Wiring wiring, InProcessRun run, DemoInstances instances, Interruption interruption)
            throws InterruptedException {
        instances.removeEarlierJob();
        var sourceOp = instances.prepareSource();
        var destinationOp = instances.prepareDestination();
        if (sourceOp != null) {
            run.await(sourceOp);
        }
        DatabaseConnection source = instances.endpoint(DemoInstances.SOURCE);
        err().printf("Filling database %s on %s with about %,d rows%n", DemoData.DATABASE, DemoInstances.SOURCE, rows);
        err().flush();
        DemoData.load(source, rows, interruption);
        run.await(destinationOp);
        DatabaseConnection destination = instances.endpoint(DemoInstances.DESTINATION);
        instances.createJob();
        int exit = run.run(DemoInstances.JOB);
        printConnections(wiring.home(), source, destination);
        return exit;
    }

    private void printConnections(Path dir, DatabaseConnection source, DatabaseConnection destination) {
        Path credentials = DemoCredentials.write(dir, source, destination);
        out().println();
        out().println("The demo instances keep running. Connect with:");
        out().printf("  source       %s%n", ConnectHint.command("postgresql", source.host(), source.port(), source.username(),
                DemoData.DATABASE));
        out().printf("  destination  %s%n", ConnectHint.command("postgresql", destination.host(), destination.port(),
                destination.username(), DemoData.DATABASE));
        out().printf("Their generated passwords are in %s (readable only by you);%n", credentials);
        out().println("ferry connection-profiles describe never shows passwords.");
        out().printf("Explore the job through the API: ferry server%s, then ferry migration-jobs describe %s%n",
                GlobalOptions.of(spec).home() == null ? "" : " --home " + dir, DemoInstances.JOB);
        out().flush();
    }
}
