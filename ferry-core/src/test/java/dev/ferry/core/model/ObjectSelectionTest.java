package dev.ferry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectSelectionTest {

    private static ObjectSelection selection(List<String> include, List<String> exclude) {
        return new ObjectSelection(new ObjectsConfig(include, exclude));
    }

    @Test
    void emptyConfigSelectsEverything() {
        var all = selection(List.of(), List.of());
        assertThat(all.isAll()).isTrue();
        assertThat(all.includesDatabase("shop")).isTrue();
        assertThat(all.includesTable("shop", new TableRef("public", "orders"))).isTrue();
    }

    @Test
    void includePatternsWithWildcardsSelectMatchingTablesOnly() {
        var sel = selection(List.of("shop.sales.order*"), List.of());
        assertThat(sel.includesDatabase("shop")).isTrue();
        assertThat(sel.includesDatabase("crm")).isFalse();
        assertThat(sel.includesTable("shop", new TableRef("sales", "orders"))).isTrue();
        assertThat(sel.includesTable("shop", new TableRef("sales", "customers"))).isFalse();
        assertThat(sel.includesTable("shop", new TableRef("hr", "orders"))).isFalse();
    }

    @Test
    void excludeWinsOverInclude() {
        var sel = selection(List.of("shop"), List.of("shop.audit", "shop.public.tmp_*"));
        assertThat(sel.includesSchema("shop", "audit")).isFalse();
        assertThat(sel.includesTable("shop", new TableRef("public", "tmp_1"))).isFalse();
        assertThat(sel.includesTable("shop", new TableRef("public", "orders"))).isTrue();
    }

    @Test
    void excludingATableDoesNotExcludeItsDatabase() {
        var sel = selection(List.of(), List.of("shop.public.big"));
        assertThat(sel.includesDatabase("shop")).isTrue();
        assertThat(sel.includesTable("shop", new TableRef("public", "big"))).isFalse();
    }

    @Test
    void regexCharactersInPatternsAreLiteral() {
        var sel = selection(List.of("a.b+c.(x)"), List.of());
        assertThat(sel.includesTable("a", new TableRef("b+c", "(x)"))).isTrue();
        assertThat(sel.includesTable("a", new TableRef("bbc", "x"))).isFalse();
    }

    @Test
    void malformedPatternsAreInvalidArguments() {
        assertThatThrownBy(() -> selection(List.of("a.b.c.d"), List.of())).isInstanceOf(FerryException.class)
                .hasMessageContaining("three parts");
        assertThatThrownBy(() -> selection(List.of("a..c"), List.of())).isInstanceOf(FerryException.class);
    }

    @Test
    void forMysqlATwoPartPatternIsDatabaseAndTable() {
        var sel = new ObjectSelection(new ObjectsConfig(List.of(), List.of("shop.audit_*")), EngineKind.MYSQL);

        assertThat(sel.includesTable("shop", new TableRef("shop", "audit_log"))).isFalse();
        assertThat(sel.includesTable("shop", new TableRef("shop", "orders"))).isTrue();
        assertThat(sel.includesDatabase("shop")).isTrue();
    }
}
