package dev.ferry.core.spi.engine;

import dev.ferry.core.model.Finding;

/**
 * The finding codes of {@link Engine#schemaDifferences}: a difference between the source's and the destination's
 * schema that promotion reconciles, and one it cannot (promotion refuses to start while there is one). Pure.
 */
public final class SchemaFindings {
    /** A difference promotion applies to the destination (severity WARNING). */
    public static final String DIFFERENCE = "SCHEMA_DIFFERENCE";
    /** A difference promotion cannot reconcile (severity ERROR). */
    public static final String NOT_RECONCILABLE = "SCHEMA_NOT_RECONCILABLE";

    private SchemaFindings() {}

    /** Whether {@code finding} keeps a promotion from starting. */
    public static boolean blocksPromotion(Finding finding) {
        return NOT_RECONCILABLE.equals(finding.code());
    }
}
