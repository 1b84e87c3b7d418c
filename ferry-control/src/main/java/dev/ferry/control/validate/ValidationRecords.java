package dev.ferry.control.validate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation;
import dev.ferry.store.Store;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A job's validations, kept with the job in its checkpoints (deleted with it) as JSON, the newest {@link #KEEP} of
 * them. Thread-safe.
 */
public final class ValidationRecords {
    /** The checkpoint key prefix of validations. */
    public static final String PREFIX = "validation/";
    /** How many validations a job keeps; older ones go when a new one starts. */
    public static final int KEEP = 20;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule().addSerializer(Instant.class, new JsonSerializer<>() {
                @Override
                public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                    gen.writeString(value.toString());
                }
            }).addDeserializer(Instant.class, new JsonDeserializer<>() {
                @Override
                public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                    return Instant.parse(p.getValueAsString());
                }
            }))
            .build();

    private final Store store;

    public ValidationRecords(Store store) {
        this.store = store;
    }

    public void put(Validation v) {
        try {
            store.putCheckpoint(v.job(), PREFIX + v.id(), MAPPER.writeValueAsString(v));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("validation " + v.id() + " could not be written", e);
        }
    }

    public Optional<Validation> get(String job, String id) {
        return store.checkpoint(job, PREFIX + id).map(ValidationRecords::read);
    }

    /** The job's validations, newest first. */
    public List<Validation> list(String job) {
        return list(store.checkpoints(job));
    }

    static List<Validation> list(Map<String, String> checkpoints) {
        return checkpoints.entrySet().stream().filter(e -> e.getKey().startsWith(PREFIX))
                .map(e -> read(e.getValue()))
                .sorted(Comparator.comparing(Validation::startTime).reversed()).toList();
    }

    /** Keeps a validation that starts: makes room for it (see {@link #prune}) and writes it. */
    public void start(Validation v) {
        prune(v.job());
        put(v);
    }

    /** The job's tables by database, in the store's order, those {@code wanted} (all when null). */
    public Map<String, List<TableRef>> tables(String job, Predicate<JobObject> wanted) {
        Map<String, List<TableRef>> out = new LinkedHashMap<>();
        for (JobObject o : store.listObjects(job)) {
            if (wanted == null || wanted.test(o)) {
                out.computeIfAbsent(o.database(), d -> new ArrayList<>()).add(o.table());
            }
        }
        return out;
    }

    /** Drops the oldest validations beyond the newest {@code KEEP - 1}, making room for one more. */
    public void prune(String job) {
        List<Validation> all = list(job);
        for (Validation old : all.subList(Math.min(all.size(), KEEP - 1), all.size())) {
            store.deleteCheckpoint(job, PREFIX + old.id());
        }
    }

    /** Drops the job's validations that ended before {@code before}; returns how many. */
    public int pruneBefore(String job, Instant before) {
        int n = 0;
        for (Validation v : list(job)) {
            if (v.endTime() != null && v.endTime().isBefore(before)) {
                store.deleteCheckpoint(job, PREFIX + v.id());
                n++;
            }
        }
        return n;
    }

    private static Validation read(String json) {
        try {
            return MAPPER.readValue(json, Validation.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored validation could not be read", e);
        }
    }
}
