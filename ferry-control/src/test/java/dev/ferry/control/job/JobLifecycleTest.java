package dev.ferry.control.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.Verb;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobLifecycleTest {

    /** The expected table, written out independently of the implementation so a slip in either shows. */
    private static final Map<JobState, Set<Verb>> EXPECTED = Map.ofEntries(
            Map.entry(JobState.DRAFT, EnumSet.of(Verb.GET, Verb.PATCH, Verb.DELETE, Verb.VERIFY)),
            Map.entry(JobState.CREATING, EnumSet.of(Verb.GET)),
            Map.entry(JobState.NOT_STARTED,
                    EnumSet.of(Verb.GET, Verb.PATCH, Verb.DELETE, Verb.START, Verb.VERIFY, Verb.DEMOTE_DESTINATION)),
            Map.entry(JobState.STARTING, EnumSet.of(Verb.GET, Verb.STOP, Verb.DELETE)),
            Map.entry(JobState.RUNNING, EnumSet.of(Verb.GET, Verb.STOP, Verb.DELETE, Verb.VERIFY, Verb.PROMOTE)),
            Map.entry(JobState.STOPPING, EnumSet.of(Verb.GET, Verb.DELETE)),
            Map.entry(JobState.STOPPED,
                    EnumSet.of(Verb.GET, Verb.PATCH, Verb.DELETE, Verb.RESUME, Verb.RESTART, Verb.VERIFY, Verb.PROMOTE)),
            Map.entry(JobState.RESUMING, EnumSet.of(Verb.GET, Verb.STOP, Verb.DELETE)),
            Map.entry(JobState.RESTARTING, EnumSet.of(Verb.GET, Verb.STOP, Verb.DELETE)),
            Map.entry(JobState.FAILED,
                    EnumSet.of(Verb.GET, Verb.PATCH, Verb.DELETE, Verb.RESUME, Verb.RESTART, Verb.VERIFY, Verb.PROMOTE)),
            Map.entry(JobState.COMPLETED, EnumSet.of(Verb.GET, Verb.DELETE)),
            Map.entry(JobState.UPDATING, EnumSet.of(Verb.GET)),
            Map.entry(JobState.DELETING, EnumSet.of(Verb.GET)),
            Map.entry(JobState.DELETED, EnumSet.noneOf(Verb.class)));

    static Stream<Arguments> everyStateAndVerb() {
        return Stream.of(JobState.values()).flatMap(s -> Stream.of(Verb.values()).map(v -> Arguments.of(s, v)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("everyStateAndVerb")
    void eachVerbIsLegalExactlyWhereTheTableSaysAndOtherwiseNamesStateAndLegalVerbs(JobState state, Verb verb) {
        boolean legal = EXPECTED.get(state).contains(verb);

        assertThat(JobLifecycle.isAllowed(state, verb)).isEqualTo(legal);
        if (legal) {
            JobLifecycle.check("j1", state, verb);
        } else {
            assertThatThrownBy(() -> JobLifecycle.check("j1", state, verb))
                    .isInstanceOfSatisfying(FerryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                        assertThat(e.getMessage()).contains("j1").contains(state.name()).contains(verb.apiName());
                        EXPECTED.get(state).forEach(v -> assertThat(e.getMessage()).contains(v.apiName()));
                    });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyStateAndVerb")
    void legalLifecycleVerbsEnterTheirWorkingState(JobState state, Verb verb) {
        JobState entered = JobLifecycle.entered(state, verb);

        switch (verb) {
            case START -> assertThat(entered).isEqualTo(JobState.STARTING);
            case STOP -> assertThat(entered).isEqualTo(JobState.STOPPING);
            case RESUME -> assertThat(entered).isEqualTo(JobState.RESUMING);
            case RESTART -> assertThat(entered).isEqualTo(JobState.RESTARTING);
            case DELETE -> assertThat(entered).isEqualTo(JobState.DELETING);
            case PROMOTE -> assertThat(entered).isEqualTo(JobState.RUNNING);
            default -> assertThat(entered).isEqualTo(state);
        }
    }

    @org.junit.jupiter.api.Test
    void createAndListApplyToNoExistingJob() {
        for (JobState state : JobState.values()) {
            assertThat(JobLifecycle.isAllowed(state, Verb.CREATE)).isFalse();
            assertThat(JobLifecycle.isAllowed(state, Verb.LIST)).isFalse();
        }
    }
}
