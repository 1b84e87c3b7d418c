package dev.ferry.cli.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A configuration document turned into the bodies of {@code PUT /v1/connectionProfiles/NAME} and
 * {@code PUT /v1/migrationJobs/NAME}, in the order to apply them (profiles first). Secret references are resolved
 * here, on the caller's machine: an environment variable that is unset or empty, or a file that cannot be read or is
 * empty, is refused naming the profile and the reference. Relative file paths are read from {@code base}.
 */
public record Declarations(List<Declared> profiles, List<Declared> jobs) {

    /** One resource: its name and the body to PUT (which may hold secrets: never print it). */
    public record Declared(String name, ObjectNode body) {}

    private static final ObjectMapper JSON = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    /** The bodies for {@code document}; {@code env} reads environment variables (null when unset). */
    public static Declarations of(ConfigDocument document, Path base, UnaryOperator<String> env) {
        var resolver = new Resolver(base, env);
        List<Declared> profiles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < document.connectionProfiles().size(); i++) {
            ConfigDocument.Profile p = document.connectionProfiles().get(i);
            String where = "connectionProfiles[%d]%s".formatted(i, p.name() == null ? "" : " (" + p.name() + ")");
            requireName(p.name(), where, names);
            profiles.add(new Declared(p.name(), resolver.profile(p, where)));
        }
        List<Declared> jobs = new ArrayList<>();
        names.clear();
        for (int i = 0; i < document.migrationJobs().size(); i++) {
            ConfigDocument.Job j = document.migrationJobs().get(i);
            String where = "migrationJobs[%d]%s".formatted(i, j.name() == null ? "" : " (" + j.name() + ")");
            requireName(j.name(), where, names);
            jobs.add(new Declared(j.name(), JSON.valueToTree(j)));
        }
        return new Declarations(List.copyOf(profiles), List.copyOf(jobs));
    }

    private static void requireName(String name, String where, Set<String> seen) {
        if (name == null || name.isBlank()) {
            throw invalid("%s has no name; every profile and job needs one".formatted(where));
        }
        if (!seen.add(name)) {
            throw invalid("%s: the name %s is declared twice; each name once".formatted(where, name));
        }
    }

    private static FerryException invalid(String message) {
        return new FerryException(ErrorCode.INVALID_ARGUMENT, message);
    }

    /** Turns one profile into its API body, reading the secrets it references. */
    private record Resolver(Path base, UnaryOperator<String> env) {
        ObjectNode profile(ConfigDocument.Profile p, String where) {
            int kinds = (p.postgresql() != null ? 1 : 0) + (p.mysql() != null ? 1 : 0) + (p.managedInstance() != null ? 1 : 0);
            if (kinds != 1) {
                throw invalid("%s needs exactly one of postgresql, mysql or managedInstance".formatted(where));
            }
            ObjectNode body = JSON.createObjectNode().put("name", p.name());
            if (p.displayName() != null) {
                body.put("displayName", p.displayName());
            }
            if (p.labels() != null) {
                p.labels().forEach(body.putObject("labels")::put);
            }
            if (p.managedInstance() != null) {
                body.set("managedInstance", managed(p.managedInstance(), where + ".managedInstance"));
            } else {
                String engine = p.postgresql() != null ? "postgresql" : "mysql";
                body.set(engine, server(p.postgresql() != null ? p.postgresql() : p.mysql(), where + "." + engine));
            }
            return body;
        }

        private ObjectNode server(ConfigDocument.Server s, String where) {
            ObjectNode node = JSON.createObjectNode();
            putIfSet(node, "host", s.host());
            if (s.port() != null) {
                node.put("port", s.port());
            }
            putIfSet(node, "username", s.username());
            putIfSet(node, "password", secret(s.passwordEnv(), s.passwordFile(), where, "password"));
            putIfSet(node, "database", s.database());
            if (s.ssl() != null) {
                ConfigDocument.Ssl ssl = s.ssl();
                ObjectNode tls = node.putObject("ssl");
                putIfSet(tls, "mode", ssl.mode());
                putIfSet(tls, "caCertificate", text(ssl.caCertificate(), ssl.caCertificateFile(), where + ".ssl", "caCertificate"));
                putIfSet(tls, "clientCertificate",
                        text(ssl.clientCertificate(), ssl.clientCertificateFile(), where + ".ssl", "clientCertificate"));
                if (ssl.clientKeyFile() != null) {
                    tls.put("clientKey", read(ssl.clientKeyFile(), where + ".ssl.clientKeyFile", false));
                }
                if (ssl.allowPublicKeyRetrieval() != null) {
                    tls.put("allowPublicKeyRetrieval", ssl.allowPublicKeyRetrieval());
                }
            }
            return node;
        }

        private ObjectNode managed(ConfigDocument.Managed m, String where) {
            ObjectNode node = JSON.createObjectNode();
            putIfSet(node, "engine", m.engine());
            putIfSet(node, "version", m.version());
            if (m.port() != null) {
                node.put("port", m.port());
            }
            if (m.databaseFlags() != null) {
                m.databaseFlags().forEach(node.putObject("databaseFlags")::put);
            }
            putIfSet(node, "rootPassword", secret(m.rootPasswordEnv(), m.rootPasswordFile(), where, "rootPassword"));
            putIfSet(node, "provisioner", m.provisioner());
            return node;
        }

        /** The secret an {@code ...Env} or {@code ...File} reference names; null when neither is given. */
        private String secret(String variable, String file, String where, String field) {
            if (variable != null && file != null) {
                throw invalid("%s: give %sEnv or %sFile, not both".formatted(where, field, field));
            }
            if (variable != null) {
                String value = env.apply(variable);
                if (value == null) {
                    throw invalid("%s.%sEnv names environment variable %s, which is not set; export it before applying"
                            .formatted(where, field, variable));
                }
                if (value.isEmpty()) {
                    throw invalid(("%s.%sEnv names environment variable %s, which is set but empty; put the password in it "
                            + "(an empty password is never sent)").formatted(where, field, variable));
                }
                return value;
            }
            return file == null ? null : read(file, where + "." + field + "File", true);
        }

        /** Inline text or the contents of a file (a certificate); not both. */
        private String text(String inline, String file, String where, String field) {
            if (inline != null && file != null) {
                throw invalid("%s: give %s or %sFile, not both".formatted(where, field, field));
            }
            return inline != null ? inline : file == null ? null : read(file, where + "." + field + "File", false);
        }

        /** The file's first line when {@code firstLine} (a password), else its whole text; refused when empty. */
        private String read(String file, String where, boolean firstLine) {
            Path path = base.resolve(file);
            String text;
            if (firstLine) {
                text = dev.ferry.cli.Secrets.fromFile(path, where).reveal();
            } else {
                try {
                    text = Files.readString(path, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                            "%s: cannot read %s; check the path and its permissions".formatted(where, path), e);
                }
            }
            if (text.isEmpty()) {
                throw invalid("%s: %s is empty; put the %s in it".formatted(where, path, firstLine ? "password" : "PEM text"));
            }
            return text;
        }

        private static void putIfSet(ObjectNode node, String field, String value) {
            if (value != null) {
                node.put(field, value);
            }
        }
    }
}
