package dev.tributary.orchestrator;

/** An event or a stored checkpoint the orchestrator cannot act on; the message says which and why. */
public final class OrchestratorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OrchestratorException(String message) {
        super(message);
    }

    public OrchestratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
