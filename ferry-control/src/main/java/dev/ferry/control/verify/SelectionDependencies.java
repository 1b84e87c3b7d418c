package dev.ferry.control.verify;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.Dependency;
import java.util.ArrayList;
import java.util.List;

/** Warns when a selected table or view needs a table the job's selection leaves out. Pure. */
final class SelectionDependencies {
    private SelectionDependencies() {}

    static List<Finding> check(List<Dependency> dependencies, String database, ObjectSelection selection) {
        List<Finding> findings = new ArrayList<>();
        for (Dependency d : dependencies) {
            boolean dependentSelected = selection.includesTable(database, d.dependent());
            boolean dependencySelected = selection.includesTable(database, d.dependency());
            if (dependentSelected && !dependencySelected) {
                String dependent = database + "." + d.dependent();
                String dependency = database + "." + d.dependency();
                findings.add(new Finding("SELECTION_DEPENDENCY", Severity.WARNING,
                        "%s (%s) needs %s, which the job's selection leaves out; creating it on the destination will fail"
                                .formatted(dependent, d.kind(), dependency),
                        "Include %s too, or exclude %s".formatted(dependency, dependent), dependent));
            }
        }
        return findings;
    }
}
