package dev.ferry.cli.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What applying a configuration does, one entry per resource in the order it is applied: jobs to delete (when
 * pruning), profiles, jobs, then profiles to delete. An entry is the API's plan form: {@code kind, name, action,
 * changes [{field, from, to}], lifecycle, reason}. The server plans each declared resource (it alone can compare
 * secrets); deletions are planned here from the lists.
 */
public record Plan(List<JsonNode> deletedJobs, List<JsonNode> profiles, List<JsonNode> jobs, List<JsonNode> deletedProfiles) {
    static final String PROFILES = "/v1/connectionProfiles";
    static final String JOBS = "/v1/migrationJobs";

    /** Asks the server for the plan of every declared resource, and with {@code prune} adds the deletions. */
    public static Plan of(ApiClient client, Declarations declared, boolean prune) {
        List<JsonNode> profiles = new ArrayList<>();
        for (Declarations.Declared p : declared.profiles()) {
            profiles.add(about("connection profile", p.name(),
                    () -> client.put(PROFILES + "/" + ApiClient.segment(p.name()) + "?validateOnly=true", p.body()).path("plan")));
        }
        List<JsonNode> jobs = new ArrayList<>();
        for (Declarations.Declared j : declared.jobs()) {
            jobs.add(about("migration job", j.name(),
                    () -> client.put(JOBS + "/" + ApiClient.segment(j.name()) + "?validateOnly=true", j.body()).path("plan")));
        }
        if (!prune) {
            return new Plan(List.of(), profiles, jobs, List.of());
        }
        Set<String> jobNames = names(declared.jobs());
        List<JsonNode> deletedJobs = new ArrayList<>();
        for (JsonNode job : client.get(JOBS).path("migrationJobs")) {
            if (!jobNames.contains(job.path("name").asText())) {
                deletedJobs.add(deletion("migrationJob", job.path("name").asText(), "state", job.path("state").asText(), null));
            }
        }
        Set<String> profileNames = names(declared.profiles());
        List<JsonNode> deletedProfiles = new ArrayList<>();
        for (JsonNode profile : client.get(PROFILES).path("connectionProfiles")) {
            String name = profile.path("name").asText();
            if (profileNames.contains(name)) {
                continue;
            }
            String user = declared.jobs().stream().filter(j -> uses(j.body(), name)).map(Declarations.Declared::name)
                    .findFirst().orElse(null);
            String refusal = user == null ? null : ("Connection profile %s is not declared, but migration job %s, which "
                    + "is, uses it; declare the profile too, or remove the job from the file").formatted(name, user);
            boolean managed = profile.has("managedInstance");
            deletedProfiles.add(deletion("connectionProfile", name, managed ? "managedInstance" : "kind",
                    managed ? "instance and all its data" : "existing server (the server itself is not touched)", refusal));
        }
        return new Plan(deletedJobs, profiles, jobs, deletedProfiles);
    }

    /** The answer of {@code call}; a refusal names the resource it is about, which the server's message may not. */
    static <T> T about(String kind, String name, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (dev.ferry.core.FerryException e) {
            if (e.getMessage().contains(" " + name)) {
                throw e;
            }
            String what = Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
            throw new dev.ferry.core.FerryException(e.code(), "%s %s: %s".formatted(what, name, e.getMessage()), e);
        }
    }

    /** Every entry in the order it is applied. */
    public List<JsonNode> entries() {
        List<JsonNode> all = new ArrayList<>(deletedJobs);
        all.addAll(profiles);
        all.addAll(jobs);
        all.addAll(deletedProfiles);
        return all;
    }

    public long count(String action) {
        return entries().stream().filter(e -> action.equals(e.path("action").asText())).count();
    }

    /** Whether applying changes anything. */
    public boolean changesSomething() {
        return count("CREATE") + count("UPDATE") + count("DELETE") > 0;
    }

    private static boolean uses(JsonNode job, String profile) {
        return profile.equals(job.path("source").asText()) || profile.equals(job.path("destination").asText());
    }

    private static Set<String> names(List<Declarations.Declared> declared) {
        Set<String> names = new HashSet<>();
        declared.forEach(d -> names.add(d.name()));
        return names;
    }

    private static ObjectNode deletion(String kind, String name, String field, String what, String refusal) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("kind", kind).put("name", name)
                .put("action", refusal == null ? "DELETE" : "REFUSED");
        entry.putArray("changes").addObject().put("field", field).put("from", what).put("to", "deleted");
        if (refusal != null) {
            entry.put("reason", refusal);
        }
        return entry;
    }
}
