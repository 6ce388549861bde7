package dev.tributary.orchestrator;

/** Where a window whose runs failed {@code MAX_RUN_ATTEMPTS} times goes (a port; {@link SqsDeadLetters}). */
public interface DeadLetters {
    void send(GlueDeadLetter letter);
}
