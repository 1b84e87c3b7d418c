package dev.ferry.cli.server;

import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.Homes;
import dev.ferry.cli.LogSetup;
import dev.ferry.cli.Secrets;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.client.AdminTokenFile;
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
            description = "Address to listen on (default: ${DEFAULT-VALUE}); any other than loopback needs --tls-cert and --tls-key, or --behind-tls-proxy")
    String bind = ServerConfig.DEFAULT_HOST;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (PEM, server certificate first)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (unencrypted PKCS#8 PEM, BEGIN PRIVATE KEY)")
    Path tlsKey;

    @Option(names = "--behind-tls-proxy",
            description = "Serve plain HTTP on a non-loopback address because a TLS-terminating proxy is in front of it")
    boolean behindTlsProxy;

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "A name the Host header may carry besides the server's own (a reverse proxy's or load balancer's); repeatable")
    java.util.List<String> allowedHosts = new java.util.ArrayList<>();

    @Option(names = "--store-url", paramLabel = "JDBC_URL",
            description = "Keep the metadata in this database (jdbc:postgresql://...) instead of the embedded H2 file under the home")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "USER", description = "User for --store-url")
    String storeUser;

    @Option(names = "--store-password-env", paramLabel = "VAR", description = "Environment variable holding the password for --store-url")
    String storePasswordEnv;

    @Option(names = "--secret-key-file", paramLabel = "PATH",
            description = "Seal stored secrets with the key in this file (owner-only, as HOME/secret.key) instead of the "
                    + "home's; servers sharing a store must all use the same key. The environment variable "
                    + StoreConfig.SECRET_KEY_VARIABLE + " (one base64 key) is the other way to give it")
    Path secretKeyFile;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This server's name among the servers sharing a PostgreSQL store (default: host name and port)")
    String nodeName;

    @Option(names = "--lease-timeout", paramLabel = "DURATION",
            description = "With a shared store: how long a job's lease outlives its node's last heartbeat before another node "
                    + "resumes the job (default: ${DEFAULT-VALUE})")
    String leaseTimeout = "20s";

    @Option(names = "--max-jobs", paramLabel = "N",
            description = "With a shared store: how many jobs this server runs at most at once (default: ${DEFAULT-VALUE})")
    int maxJobs = 16;

    @Option(names = "--max-source-connections", paramLabel = "N",
            description = "How many source connections the jobs this server runs hold at most together (default: no bound). "
                    + "Each job reserves its need before it starts (copy sessions within its maxSourceConnections, one for the "
                    + "snapshot, one watching locks, one replicating); a job that does not fit waits, and with a shared store "
                    + "is left for another node")
    Integer maxSourceConnections;

    @Option(names = "--retention", paramLabel = "DURATION",
            description = "How long job events and finished operations are kept (default: ${DEFAULT-VALUE})")
    String retention = "30d";

    @Option(names = "--max-events-per-job", paramLabel = "N",
            description = "Events kept per job at most, the newest (default: ${DEFAULT-VALUE})")
    int maxEventsPerJob = dev.ferry.control.retention.RetentionPolicy.DEFAULT.maxEventsPerJob();

    @Override
    protected int run() throws InterruptedException {
        var retentionPolicy = new dev.ferry.control.retention.RetentionPolicy(
                dev.ferry.core.model.ReliabilityConfig.parseDuration("--retention", retention), maxEventsPerJob);
        var tls = tlsCert == null && tlsKey == null ? null : new ServerConfig.Tls(tlsCert, tlsKey);
        var serverConfig = new ServerConfig(bind, port, tls, behindTlsProxy, allowedHosts);
        Path dir = Homes.create(Homes.resolve(dev.ferry.cli.GlobalOptions.of(spec).home()));
        Path logFile = dir.resolve("logs").resolve("server.log");
        LogSetup.toStderrAndFile(logFile);
        String envKey = System.getenv(StoreConfig.SECRET_KEY_VARIABLE);
        var storeConfig = new StoreConfig(dir, storeUrl, storeUser, Secrets.fromEnv(storePasswordEnv, "--store-password-env"))
                .withSecretKey(secretKeyFile, envKey == null || envKey.isBlank() ? null : new dev.ferry.core.Secret(envKey));
        var node = nodeSettings(serverConfig);
        if (maxSourceConnections != null && maxSourceConnections < 1) {
            throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.INVALID_ARGUMENT,
                    "--max-source-connections must be at least 1 (leave it out for no bound)");
        }
        Wiring wiring = Wiring.open(storeConfig, node,
                new dev.ferry.control.runner.SourceBudget.Settings(node.node(), maxSourceConnections));
        ApiServer api = new ApiServer(serverConfig, wiring.control());
        try {
            writeFirstAdminToken(wiring, dir);
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

    /** This server as one node of several sharing the store (used only with a PostgreSQL store). */
    private dev.ferry.control.runner.JobLeases.Settings nodeSettings(ServerConfig config) {
        var timeout = dev.ferry.core.model.ReliabilityConfig.parseDuration("--lease-timeout", leaseTimeout);
        if (timeout.compareTo(java.time.Duration.ofSeconds(2)) < 0) {
            throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.INVALID_ARGUMENT,
                    "--lease-timeout must be at least 2s (a heartbeat is a quarter of it); 20s is a good start");
        }
        if (maxJobs < 1) {
            throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.INVALID_ARGUMENT, "--max-jobs must be at least 1");
        }
        String address = (config.tls() != null ? "https://" : "http://") + bind + ":" + port;
        String name = nodeName != null && !nodeName.isBlank() ? nodeName : hostName() + ":" + port;
        String version = ServerCommand.class.getPackage().getImplementationVersion();
        return new dev.ferry.control.runner.JobLeases.Settings(name, address, version == null ? "development" : version,
                timeout, maxJobs);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** When no admin token can be used, creates one and writes it to HOME/admin.token, owner-only. */
    private void writeFirstAdminToken(Wiring wiring, Path dir) {
        wiring.control().tokens().bootstrapAdmin().ifPresent(issued -> {
            Path file = AdminTokenFile.in(dir);
            AdminTokenFile.write(file, issued.secret());
            err().printf("Created admin token '%s' and wrote it to %s (owner-only). The CLI on this machine uses it; "
                    + "elsewhere set FERRY_TOKEN to it, or create tokens with: ferry tokens create NAME --role viewer%n",
                    issued.token().name(), file);
            err().flush();
        });
    }
}
