package dev.ferry.cli.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tokens",
        description = {"Manage API tokens (admins only): admin tokens may do everything, viewer tokens only read.",
                "Tokens are shown once, when created; the server keeps only their SHA-256."},
        subcommands = {TokensCommand.Create.class, TokensCommand.List.class, TokensCommand.Revoke.class})
public final class TokensCommand extends CommandGroup {

    @Command(name = "create", description = {"Create a token and print it on standard output, once.",
            "Give it to its user through a safe channel; they set FERRY_TOKEN to it."})
    public static final class Create extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Token name: lower-case letters, digits, '.', '_', '-'")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin (everything) or viewer (read only)")
        String role;

        @Option(names = "--expires-in", paramLabel = "DURATION", description = "Lifetime such as 30d, 12h or 90m (default: never expires)")
        String expiresIn;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            ObjectNode body = client.mapper().createObjectNode().put("role", role);
            if (expiresIn != null) {
                body.put("expiresIn", expiresIn);
            }
            JsonNode op = OperationWaiter.requireSuccess(
                    client.post("/v1/tokens?tokenId=" + ApiClient.segment(name), body));
            if (options.json()) {
                out().println(client.pretty(op));
                out().flush();
                return ExitCodes.OK;
            }
            JsonNode token = op.path("response");
            err().printf("Created %s token %s%s. It is shown only this once; keep it secret:%n",
                    token.path("role").asText(), name,
                    token.path("expireTime").isMissingNode() ? " (never expires)" : " (expires " + token.path("expireTime").asText() + ")");
            err().flush();
            out().println(token.path("token").asText("(not shown: this request id already created it)"));
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List tokens: names, roles and expiry (never the tokens themselves).")
    public static final class List extends FerryCall {
        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode answer = client.get("/v1/tokens");
            if (options.json()) {
                out().println(client.pretty(answer));
            } else {
                Table table = Table.of("NAME", "ROLE", "CREATED", "EXPIRES", "CREATED BY");
                for (JsonNode t : answer.path("tokens")) {
                    String expires = t.path("expireTime").asText(null);
                    if (expires != null && t.path("expired").asBoolean()) {
                        expires += " (expired)";
                    }
                    table.row(t.path("name").asText(), t.path("role").asText(), t.path("createTime").asText(null),
                            expires == null ? "never" : expires, t.path("createdBy").asText(null));
                }
                table.print(out());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a token: calls presenting it are refused from now on.")
    public static final class Revoke extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Token name")
        String name;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode op = OperationWaiter.requireSuccess(client.delete("/v1/tokens/" + ApiClient.segment(name)));
            if (options.json()) {
                out().println(client.pretty(op));
            } else {
                out().println("Revoked token " + name);
            }
            out().flush();
            return ExitCodes.OK;
        }
    }
}
