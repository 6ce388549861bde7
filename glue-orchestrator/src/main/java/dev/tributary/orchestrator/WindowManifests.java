package dev.tributary.orchestrator;

/**
 * Where a window's input list goes when it is too long for {@code --input_paths} (a port; {@link S3WindowManifests}).
 */
public interface WindowManifests {
    /**
     * Writes {@code {"window_id": …, "input_paths": [ … ]}} for {@code window} to the key its
     * {@code --manifest_uri} names. A failure that may pass later throws {@link RetryLaterException}.
     */
    void write(Window window);
}
