package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where Ferry's home is when nothing names it. */
class HomesTest {
    @Test
    void defaultsToDotFerryUnderTheHomeVariableRatherThanTheAccountsHome() {
        Path home = Homes.resolve(null, Map.of("HOME", "/tmp/someone/x"), "/home/account");

        assertThat(home).isEqualTo(Path.of("/tmp/someone/x/.ferry"));
    }

    @Test
    void fallsBackOnTheAccountsHomeWithoutAHomeVariable() {
        assertThat(Homes.resolve(null, Map.of(), "/home/account")).isEqualTo(Path.of("/home/account/.ferry"));
        assertThat(Homes.resolve(null, Map.of("HOME", " "), "/home/account")).isEqualTo(Path.of("/home/account/.ferry"));
    }

    @Test
    void ferryHomeAndTheOptionComeFirst() {
        var env = Map.of("HOME", "/tmp/x", "FERRY_HOME", "/srv/ferry");

        assertThat(Homes.resolve(null, env, "/home/account")).isEqualTo(Path.of("/srv/ferry"));
        assertThat(Homes.resolve(Path.of("/opt/f"), env, "/home/account")).isEqualTo(Path.of("/opt/f"));
    }
}
