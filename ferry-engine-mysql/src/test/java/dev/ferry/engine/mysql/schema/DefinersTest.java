package dev.ferry.engine.mysql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefinersTest {

    @Test
    void stripsTheDefinerOfAView() {
        assertThat(Definers.strip("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1"))
                .isEqualTo("CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1");
    }

    @Test
    void stripsTheDefinerOfRoutinesTriggersAndEvents() {
        assertThat(Definers.strip("CREATE DEFINER=`app`@`%` PROCEDURE `p`() SELECT 'DEFINER=`x`@`y`'"))
                .isEqualTo("CREATE PROCEDURE `p`() SELECT 'DEFINER=`x`@`y`'");
        assertThat(Definers.strip("CREATE DEFINER=`a``b`@`10.0.0.%` TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET @a = 1"))
                .isEqualTo("CREATE TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET @a = 1");
        assertThat(Definers.strip("CREATE DEFINER=`a_role` EVENT `e` ON SCHEDULE EVERY 1 DAY DO SELECT 1"))
                .isEqualTo("CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DO SELECT 1");
    }

    @Test
    void leavesStatementsWithoutDefinerUnchanged() {
        String ddl = "CREATE PROCEDURE `p`() SELECT 1";

        assertThat(Definers.strip(ddl)).isEqualTo(ddl);
        assertThat(Definers.hasDefiner(ddl)).isFalse();
        assertThat(Definers.hasDefiner("CREATE DEFINER=`u`@`h` PROCEDURE `p`() SELECT 1")).isTrue();
    }
}
