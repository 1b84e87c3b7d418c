package dev.ferry.cli.server;

import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.Homes;
import dev.ferry.cli.LogSetup;
import dev.ferry.cli.Secrets;
import dev.ferry.cli.Wiring;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", sortOptions = false,
        description = {"Run the Ferry server: the control plane and its REST API, until SIGTERM or Ctrl-C.",
                "Managed instances are started again and interrupted jobs resume from their checkpoints.",
                "Logs go to standard error and to HOME/logs/server.log (rolled over daily and at 50 MB, kept 14 days)."})
public final class ServerCommand extends FerryCall {
    @Option(names = "--port", paramLabel = "PORT", description = "Port of the REST API (default: ${DEFAULT-VALUE})")
    int port = ServerConfig.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; the API has no authentication, keep it local)")
    String bind = ServerConfig.DEFAULT_HOST;

    @Option(names = "--home", paramLabel = "DIR", description = "Ferry's home: store, keys, instances, logs (default: env FERRY_HOME, else ~/.ferry)")
    Path home;

    @Option(names = "--store-url", paramLabel = "JDBC_URL",
            description = "Keep the metadata in this database (jdbc:postgresql://...) instead of the embedded H2 file under the home")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "USER", description = "User for --store-url")
    String storeUser;

    @Option(names = "--store-password-env", paramLabel = "VAR", description = "Environment variable holding the password for --store-url")
    String storePasswordEnv;

    @Option(names = "--retention", paramLabel = "DURATION",
            description = "How long job events and finished operations are kept (default: ${DEFAULT-VALUE})")
    String retention = "30d";

    @Option(names = "--max-events-per-job", paramLabel = "N",
            description = "Events kept per job at most, the newest (default: ${DEFAULT-VALUE})")
    int maxEventsPerJob = dev.ferry.control.retention.RetentionPolicy.DEFAULT.maxEventsPerJob();

    @Override
    protected int run() throws InterruptedException {
        var retentionPolicy = new dev.ferry.control.retention.RetentionPolicy(retentionAge(), maxEventsPerJob);
        Path dir = Homes.create(Homes.resolve(home));
        Path logFile = dir.resolve("logs").resolve("server.log");
        LogSetup.toStderrAndFile(logFile);
        var storeConfig = new StoreConfig(dir, storeUrl, storeUser, Secrets.fromEnv(storePasswordEnv, "--store-password-env"));
        var serverConfig = new ServerConfig(bind, port);
        Wiring wiring = Wiring.open(storeConfig);
        ApiServer api = new ApiServer(serverConfig, wiring.control());
        try {
            wiring.control().recover();
            wiring.startRetention(retentionPolicy);
            api.start();
        } catch (RuntimeException e) {
            api.close();
            wiring.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                api.close();
                wiring.close();
            } finally {
                stopped.countDown();
            }
        }, "ferry-shutdown"));
        err().printf("Ferry server listening on %s (home %s, log %s); stop it with Ctrl-C%n", api.uri(), dir, logFile);
        err().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** {@code 30d}, {@code 12h} and the forms of {@link dev.ferry.core.model.ReliabilityConfig#parseDuration}. */
    private java.time.Duration retentionAge() {
        String text = retention.trim().toLowerCase(java.util.Locale.ROOT);
        if (text.matches("\\d+d")) {
            return java.time.Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return dev.ferry.core.model.ReliabilityConfig.parseDuration("--retention", retention);
    }
}
