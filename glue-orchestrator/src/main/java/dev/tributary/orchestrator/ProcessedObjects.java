package dev.tributary.orchestrator;

import java.time.Instant;
import java.util.List;

/** Where the state machine finds a new window's input (a port; {@link ProcessedIndex} is the metadata table's GSI). */
public interface ProcessedObjects {
    /** Processed objects with {@code after < processed_at <= upTo}, in no particular order. */
    List<ProcessedObject> processedBetween(Instant after, Instant upTo);
}
