package dev.ferry.control.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.declare.FieldChange;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.ConnectionSpec;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.ProfileState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileDiffTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static ConnectionProfile stored(ConnectionSpec spec) {
        return new ConnectionProfile("p", null, Map.of(), ProfileState.READY, spec, null, NOW, NOW);
    }

    private static DatabaseConnection server(String host, String password) {
        return new DatabaseConnection(EngineKind.POSTGRESQL, host, 5432, "ferry", Secret.of(password), null, "require");
    }

    private static ManagedInstance managed(String version, String rootPassword) {
        return new ManagedInstance(EngineKind.POSTGRESQL, version, null, Map.of(), Secret.of(rootPassword), null, null);
    }

    @Test
    void anExistingServersConnectionChangesFieldByFieldWithoutShowingThePassword() {
        var outcome = ProfileDiff.diff(stored(server("db1", "old-secret")),
                new ProfileRequest("p", "Shop", null, server("db2", "new-secret")));

        assertThat(outcome.refusal()).isNull();
        assertThat(outcome.changes()).containsExactly(new FieldChange("displayName", "(none)", "Shop"),
                new FieldChange("postgresql.host", "db1", "db2"),
                new FieldChange("postgresql.password", "set", "changed"));
    }

    @Test
    void theSamePasswordIsNoChange() {
        var outcome = ProfileDiff.diff(stored(server("db1", "s")), new ProfileRequest("p", null, Map.of(), server("db1", "s")));

        assertThat(outcome.changes()).isEmpty();
    }

    @Test
    void anExistingServerCannotBecomeAManagedInstance() {
        var outcome = ProfileDiff.diff(stored(server("db1", null)), new ProfileRequest("p", null, null, managed("16", null)));

        assertThat(outcome.refusal()).contains("is an existing postgresql server and cannot become a managed postgresql instance");
    }

    @Test
    void aManagedInstanceKeepsItsVersionAndSaysHowToReplaceIt() {
        var outcome = ProfileDiff.diff(stored(managed("15", null)), new ProfileRequest("p", null, null, managed("16", null)));

        assertThat(outcome.changes()).containsExactly(new FieldChange("managedInstance.version", "15", "16"));
        assertThat(outcome.refusal()).contains("its managedInstance.version cannot change").contains("--force");
    }

    @Test
    void aManagedVersionLeftOutIsTheOneItWasCreatedWith() {
        var outcome = ProfileDiff.diff(stored(managed("15", null)), new ProfileRequest("p", null, null, managed(null, null)));

        assertThat(outcome.changes()).isEmpty();
        assertThat(outcome.refusal()).isNull();
    }

    @Test
    void aManagedRootPasswordLeftOutStaysAndAGivenOneMustMatch() {
        var kept = ProfileDiff.diff(stored(managed("15", "root-a")), new ProfileRequest("p", null, null, managed("15", null)));
        var same = ProfileDiff.diff(stored(managed("15", "root-a")), new ProfileRequest("p", null, null, managed("15", "root-a")));
        var other = ProfileDiff.diff(stored(managed("15", "root-a")), new ProfileRequest("p", null, null, managed("15", "root-b")));

        assertThat(kept.changes()).isEmpty();
        assertThat(same.changes()).isEmpty();
        assertThat(other.refusal()).contains("managedInstance.rootPassword cannot change").doesNotContain("root-b");
    }
}
