package dev.tributary.orchestrator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The processed data one Glue run curates: objects with {@code start < processed_at <= end}.
 *
 * @param id         deterministic: the same window always has the same id, so a retried run rewrites the same
 *                   summary and the Glue job recognises rows it curated in an earlier attempt
 * @param start      the watermark the window was cut from (exclusive)
 * @param end        the latest {@code processed_at} in the window (inclusive): the next watermark
 * @param objects    how many processed objects the window holds
 * @param partitions distinct partition prefixes, sorted
 */
public record Window(String id, Instant start, Instant end, int objects, List<String> partitions) {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public Window {
        Objects.requireNonNull(id, "id");
        partitions = List.copyOf(partitions);
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("window ends before it starts: " + start + " > " + end);
        }
    }

    /** The window of {@code objects} (not empty) after {@code start}. */
    public static Window of(Instant start, Collection<ProcessedObject> objects) {
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("a window needs at least one object");
        }
        Instant end = objects.stream()
                .map(ProcessedObject::processedAt)
                .max(Instant::compareTo)
                .orElseThrow();
        TreeSet<String> partitions = new TreeSet<>();
        objects.forEach(o -> partitions.add(o.partitionPrefix()));
        return new Window(idOf(start, end), start, end, objects.size(), List.copyOf(partitions));
    }

    /** {@code <start>_<end>}, both {@code yyyyMMdd'T'HHmmss.SSSSSS'Z'}: safe in S3 keys and Glue arguments. */
    public static String idOf(Instant start, Instant end) {
        return ID_TIME.format(start) + "_" + ID_TIME.format(end);
    }
}
