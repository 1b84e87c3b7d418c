package dev.ferry.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.Converters;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.Secrets;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.ConnectHint;
import dev.ferry.cli.output.Terminal;
import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", sortOptions = false,
        description = {"Create a connection profile: an existing server (--host ...) or a new managed instance (--managed).",
                "Passwords are read from an environment variable or a file, never from the command line."})
public final class CreateProfileCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Profile name: lower-case letters, digits and dashes")
    String name;

    @Option(names = "--engine", required = true, paramLabel = "ENGINE", converter = Converters.Engine.class,
            description = "Database family: postgresql or mysql (mysql covers MariaDB)")
    EngineKind engine;

    @Option(names = "--managed", description = "Let Ferry create and run a new instance instead of describing an existing server")
    boolean managed;

    @Option(names = "--host", paramLabel = "HOST", description = "Existing server: host name or address")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Existing server: port (default: the engine's). Managed: the port to listen on (default: a free one)")
    Integer port;

    @Option(names = "--username", paramLabel = "USER", description = "Existing server: the user to connect as")
    String username;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Existing server: read the password from this environment variable")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Existing server: read the password from the first line of this file")
    Path passwordFile;

    @Option(names = "--database", paramLabel = "DB", description = "Existing server: database to connect to (default: the engine's)")
    String database;

    @Option(names = "--ssl-mode", paramLabel = "MODE", description = "Existing server: TLS mode disable, prefer, "
            + "require (default), verify-ca or verify-full (MySQL's DISABLED ... VERIFY_IDENTITY too)")
    String sslMode;

    @Option(names = "--ssl-ca", paramLabel = "FILE",
            description = "Existing server: PEM file of the CA certificate(s) that sign the server's certificate")
    Path sslCa;

    @Option(names = "--ssl-cert", paramLabel = "FILE", description = "Existing server: PEM file of a client certificate")
    Path sslCert;

    @Option(names = "--ssl-key", paramLabel = "FILE",
            description = "Existing server: the client certificate's unencrypted PKCS#8 PEM key (kept sealed like passwords)")
    Path sslKey;

    @Option(names = "--allow-public-key-retrieval",
            description = "Existing MySQL server: let an unverified connection fetch the server's RSA key (caching_sha2_password)")
    boolean allowPublicKeyRetrieval;

    @Option(names = "--version", paramLabel = "MAJOR", description = "Managed: major version such as 16 or 10.11 (default: the newest available)")
    String version;

    @Option(names = "--flag", paramLabel = "KEY=VALUE", description = "Managed: a server setting applied at every start (repeatable)")
    Map<String, String> flags = new LinkedHashMap<>();

    @Option(names = "--root-password-env", paramLabel = "VAR",
            description = "Managed: read the superuser password from this environment variable (default: generated)")
    String rootPasswordEnv;

    @Option(names = "--provisioner", paramLabel = "NAME", description = "Managed: which provisioner creates the instance (default: local)")
    String provisioner;

    @Option(names = "--display-name", paramLabel = "TEXT", description = "A human-friendly name")
    String displayName;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable)")
    Map<String, String> labels = new LinkedHashMap<>();

    @Mixin
    ClientOptions options;

    @Override
    protected int run() throws InterruptedException {
        ObjectNode body = managed ? managedBody() : existingBody();
        ApiClient client = options.client();
        if (displayName != null) {
            body.put("displayName", displayName);
        }
        labels.forEach(body.putObject("labels")::put);
        JsonNode op = client.post("/v1/connectionProfiles?connectionProfileId=" + ApiClient.segment(name), body);
        op = new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op);
        if (options.json()) {
            out().println(client.pretty(op));
            out().flush();
            OperationWaiter.requireSuccess(op);
            return ExitCodes.OK;
        }
        OperationWaiter.requireSuccess(op);
        JsonNode profile = client.get("/v1/connectionProfiles/" + ApiClient.segment(name));
        printCreated(profile);
        return ExitCodes.OK;
    }

    private ObjectNode existingBody() {
        reject(version != null, "--version");
        reject(!flags.isEmpty(), "--flag");
        reject(rootPasswordEnv != null, "--root-password-env");
        reject(provisioner != null, "--provisioner");
        if (host == null || username == null) {
            throw usage("An existing server needs --host and --username (or use --managed to let Ferry create one)");
        }
        if (passwordEnv != null && passwordFile != null) {
            throw usage("Give the password one way: --password-env or --password-file");
        }
        Secret password = passwordEnv != null ? Secrets.fromEnv(passwordEnv, "--password-env")
                : Secrets.fromFile(passwordFile, "--password-file");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode server = body.putObject(engine.id());
        server.put("host", host).put("port", port != null ? port : engine.defaultPort()).put("username", username);
        if (password != null) {
            server.put("password", password.reveal());
        }
        if (database != null) {
            server.put("database", database);
        }
        if (sslMode != null || sslCa != null || sslCert != null || sslKey != null || allowPublicKeyRetrieval) {
            ObjectNode ssl = server.putObject("ssl");
            if (sslMode != null) {
                ssl.put("mode", sslMode);
            }
            putFile(ssl, "caCertificate", sslCa, "--ssl-ca");
            putFile(ssl, "clientCertificate", sslCert, "--ssl-cert");
            putFile(ssl, "clientKey", sslKey, "--ssl-key");
            if (allowPublicKeyRetrieval) {
                ssl.put("allowPublicKeyRetrieval", true);
            }
        }
        return body;
    }

    private void putFile(ObjectNode node, String field, Path file, String option) {
        if (file == null) {
            return;
        }
        try {
            node.put(field, java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw usage("Cannot read %s %s: %s".formatted(option, file, e.getMessage()));
        }
    }

    private ObjectNode managedBody() {
        String wrong = host != null ? "--host" : username != null ? "--username" : passwordEnv != null ? "--password-env"
                : passwordFile != null ? "--password-file" : database != null ? "--database" : sslMode != null ? "--ssl-mode"
                : sslCa != null ? "--ssl-ca" : sslCert != null ? "--ssl-cert" : sslKey != null ? "--ssl-key" : null;
        if (wrong != null) {
            throw usage(wrong + " describes an existing server; a managed instance gets its address from the provisioner");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode instance = body.putObject("managedInstance");
        instance.put("engine", engine.id());
        if (version != null) {
            instance.put("version", version);
        }
        if (port != null) {
            instance.put("port", port);
        }
        flags.forEach(instance.putObject("databaseFlags")::put);
        Secret root = Secrets.fromEnv(rootPasswordEnv, "--root-password-env");
        if (root != null) {
            instance.put("rootPassword", root.reveal());
        }
        if (provisioner != null) {
            instance.put("provisioner", provisioner);
        }
        return body;
    }

    private void printCreated(JsonNode profile) {
        JsonNode managedInstance = profile.path("managedInstance");
        if (managedInstance.isMissingNode()) {
            out().printf("Created connection profile %s (%s, %s)%n", name, ProfileView.engine(profile),
                    ProfileView.endpoint(profile));
        } else {
            JsonNode endpoint = managedInstance.path("endpoint");
            out().printf("Created managed %s instance %s, running on %s:%s%n", ProfileView.engine(profile), name,
                    endpoint.path("host").asText(), endpoint.path("port").asText());
            out().println("Connect with: " + ConnectHint.command(ProfileView.engine(profile), endpoint.path("host").asText(),
                    endpoint.path("port").asInt(), endpoint.path("username").asText(), null));
            String url = ProfileView.connectionString(profile);
            if (url != null) {
                out().println("Connection string: " + url);
            }
            out().println(rootPasswordEnv != null
                    ? "The superuser password is the one in $" + rootPasswordEnv + "."
                    : "The superuser password was generated and is kept encrypted in Ferry's store; it is never shown. "
                            + "Set one you know with: " + ProfileView.setPasswordHint(name));
        }
        out().flush();
    }

    private void reject(boolean given, String option) {
        if (given) {
            throw usage(option + " applies to managed instances only; add --managed or leave it out");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
