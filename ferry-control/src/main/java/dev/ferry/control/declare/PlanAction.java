package dev.ferry.control.declare;

/** What applying a declaration does to one resource. */
public enum PlanAction {
    /** The resource does not exist yet and is created. */
    CREATE,
    /** Some fields change, or the job's lifecycle verb runs. */
    UPDATE,
    /** The resource already matches the declaration. */
    UNCHANGED,
    /** A change cannot be made in the resource's current state; nothing is changed for it. */
    REFUSED,
    /** The resource is not declared and is deleted (only when pruning). */
    DELETE
}
