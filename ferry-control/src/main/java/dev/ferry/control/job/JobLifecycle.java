package dev.ferry.control.job;

import static dev.ferry.core.model.JobState.*;
import static dev.ferry.core.model.Verb.*;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.Verb;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one table of which verb is legal in which job state, and which state a legal verb enters. Every
 * use case asks {@link #check} before it writes anything. CREATE and LIST never apply to an existing
 * job, so they are legal in no state. Pure and thread-safe.
 */
public final class JobLifecycle {

    private static final Map<JobState, Set<Verb>> ALLOWED = new EnumMap<>(JobState.class);

    static {
        ALLOWED.put(DRAFT, EnumSet.of(GET, PATCH, DELETE, VERIFY));
        ALLOWED.put(CREATING, EnumSet.of(GET));
        ALLOWED.put(NOT_STARTED, EnumSet.of(GET, PATCH, DELETE, START, VERIFY, DEMOTE_DESTINATION));
        ALLOWED.put(STARTING, EnumSet.of(GET, STOP, DELETE));
        ALLOWED.put(RUNNING, EnumSet.of(GET, STOP, DELETE, VERIFY, PROMOTE));
        ALLOWED.put(STOPPING, EnumSet.of(GET, DELETE));
        ALLOWED.put(STOPPED, EnumSet.of(GET, PATCH, DELETE, RESUME, RESTART, VERIFY, PROMOTE));
        ALLOWED.put(RESUMING, EnumSet.of(GET, STOP, DELETE));
        ALLOWED.put(RESTARTING, EnumSet.of(GET, STOP, DELETE));
        ALLOWED.put(FAILED, EnumSet.of(GET, PATCH, DELETE, RESUME, RESTART, VERIFY, PROMOTE));
        ALLOWED.put(COMPLETED, EnumSet.of(GET, DELETE));
        ALLOWED.put(UPDATING, EnumSet.of(GET));
        ALLOWED.put(DELETING, EnumSet.of(GET));
        ALLOWED.put(DELETED, EnumSet.noneOf(Verb.class));
    }

    private JobLifecycle() {}

    /** Whether {@code verb} may be applied to a job in {@code state}. */
    public static boolean isAllowed(JobState state, Verb verb) {
        return ALLOWED.get(state).contains(verb);
    }

    /** The verbs legal in {@code state}, in declaration order. */
    public static Set<Verb> allowed(JobState state) {
        return EnumSet.copyOf(ALLOWED.get(state).isEmpty() ? EnumSet.noneOf(Verb.class) : ALLOWED.get(state));
    }

    /**
     * Throws {@code FAILED_PRECONDITION} naming the job, its state and the legal verbs when {@code verb}
     * is not legal in {@code state}.
     */
    public static void check(String job, JobState state, Verb verb) {
        if (!isAllowed(state, verb)) {
            Set<Verb> legal = ALLOWED.get(state);
            String verbs = legal.isEmpty() ? "none"
                    : legal.stream().map(Verb::apiName).collect(Collectors.joining(", "));
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot %s migration job %s: it is %s. Verbs allowed in state %s: %s"
                            .formatted(verb.apiName(), job, state, state, verbs));
        }
    }

    /** The state a job enters when a legal {@code verb} is applied in state {@code from}. */
    public static JobState entered(JobState from, Verb verb) {
        return switch (verb) {
            case START -> STARTING;
            case STOP -> STOPPING;
            case RESUME -> RESUMING;
            case RESTART -> RESTARTING;
            case DELETE -> DELETING;
            case PROMOTE -> RUNNING;
            case GET, LIST, CREATE, PATCH, VERIFY, DEMOTE_DESTINATION -> from;
        };
    }
}
