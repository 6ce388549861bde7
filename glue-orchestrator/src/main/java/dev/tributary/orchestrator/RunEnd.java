package dev.tributary.orchestrator;

import java.util.Optional;

/** The final states of a Glue job run ({@code JobRunState} in the Glue API) the orchestrator acts on. */
public enum RunEnd {
    SUCCEEDED,
    FAILED,
    TIMEOUT,
    STOPPED,
    ERROR,
    EXPIRED;

    /** The end a Glue state names, exactly as Glue spells it; empty for a state that is not final (or unknown). */
    public static Optional<RunEnd> of(String state) {
        for (RunEnd end : values()) {
            if (end.name().equals(state)) {
                return Optional.of(end);
            }
        }
        return Optional.empty();
    }

    public boolean succeeded() {
        return this == SUCCEEDED;
    }
}
