package dev.ferry.control.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Dependency;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionDependenciesTest {
    private static final List<Dependency> SHOP = List.of(
            new Dependency(new TableRef("sales", "orders"), new TableRef("sales", "customers"), "foreign key"),
            new Dependency(new TableRef("sales", "big_orders"), new TableRef("sales", "orders"), "view"));

    @Test
    void warnsWhenASelectedTableNeedsAnExcludedOne() {
        var selection = new ObjectSelection(new ObjectsConfig(List.of(), List.of("shop.sales.customers")));

        var findings = SelectionDependencies.check(SHOP, "shop", selection);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("SELECTION_DEPENDENCY");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("shop.sales.orders").contains("foreign key").contains("shop.sales.customers");
        });
    }

    @Test
    void saysNothingWhenBothSidesOrNeitherAreSelected() {
        var both = new ObjectSelection(new ObjectsConfig(List.of("shop.sales.*"), List.of()));
        var neither = new ObjectSelection(new ObjectsConfig(List.of("shop.hr.*"), List.of()));

        assertThat(SelectionDependencies.check(SHOP, "shop", both)).isEmpty();
        assertThat(SelectionDependencies.check(SHOP, "shop", neither)).isEmpty();
    }

    @Test
    void aViewOnAnExcludedTableIsReported() {
        var selection = new ObjectSelection(new ObjectsConfig(List.of(), List.of("shop.sales.orders")));

        assertThat(SelectionDependencies.check(SHOP, "shop", selection)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("big_orders").contains("view"));
    }
}
