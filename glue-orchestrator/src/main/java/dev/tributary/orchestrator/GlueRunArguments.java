package dev.tributary.orchestrator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The arguments of a curation run, in one place: what the orchestrator passes to {@code StartJobRun}
 * (docs/contracts.md, "Glue job arguments"), and what {@code tributary redrive glue} accepts from a dead-letter
 * message before it starts a run with it. A dead-letter message is input anyone with {@code sqs:SendMessage} on the
 * queue could have written, so a redrive starts only the stack's own job, with only these keys, every S3 location
 * under the prefix the orchestrator itself would use.
 */
public final class GlueRunArguments {
    public static final String WINDOW_ID = "--window_id";
    public static final String MANIFEST_URI = "--manifest_uri";
    public static final String INPUT_PATHS = "--input_paths";
    public static final String CURATED_PATH = "--curated_path";
    public static final String AGGREGATES_PATH = "--aggregates_path";
    public static final String SUMMARY_URI = "--summary_uri";
    private static final Set<String> KEYS =
            Set.of(WINDOW_ID, MANIFEST_URI, INPUT_PATHS, CURATED_PATH, AGGREGATES_PATH, SUMMARY_URI);
    /** {@link Window#idOf}: two UTC instants, {@code yyyyMMdd'T'HHmmss.SSSSSS'Z'}. */
    private static final Pattern WINDOW = Pattern.compile("\\d{8}T\\d{6}\\.\\d{6}Z_\\d{8}T\\d{6}\\.\\d{6}Z");
    /** A processed partition as the orchestrator names it: no {@code ..}, no other bucket or prefix. */
    private static final String PARTITION =
            "processed/event_type=[a-z][a-z0-9_]{0,62}/dt=\\d{4}-\\d{2}-\\d{2}/hr=\\d{2}/";

    private GlueRunArguments() {}

    /** The arguments naming exactly {@code window}'s input, as a manifest when it has many partitions. */
    static Map<String, String> of(String job, String curatedBucket, Window window, boolean manifest) {
        Map<String, String> arguments = new LinkedHashMap<>();
        arguments.put(WINDOW_ID, window.id());
        if (manifest) {
            arguments.put(MANIFEST_URI, curated(curatedBucket) + manifestKey(job, window.id()));
        } else {
            arguments.put(INPUT_PATHS, String.join(",", window.partitions()));
        }
        arguments.put(CURATED_PATH, curated(curatedBucket) + "curated/");
        arguments.put(AGGREGATES_PATH, curated(curatedBucket) + "aggregates/");
        arguments.put(SUMMARY_URI, curated(curatedBucket) + "glue/runs/" + job + "/" + window.id() + "/summary.json");
        return arguments;
    }

    /** Where the manifest of a window's input goes (the only place the orchestrator's role may write). */
    static String manifestKey(String job, String windowId) {
        return "glue/manifests/" + job + "/" + windowId + ".json";
    }

    /**
     * What is wrong with {@code arguments} for a run of {@code job} in this stack: an empty list when they are
     * exactly what the orchestrator could have passed.
     */
    public static List<String> violations(
            Map<String, String> arguments, String job, String curatedBucket, String processedBucket) {
        List<String> problems = new ArrayList<>();
        arguments.keySet().stream()
                .filter(k -> !KEYS.contains(k))
                .sorted()
                .forEach(k -> problems.add("argument " + k + " is not one the orchestrator passes"));
        String window = arguments.getOrDefault(WINDOW_ID, "");
        if (!WINDOW.matcher(window).matches()) {
            problems.add(WINDOW_ID + " '" + window + "' is not a window id");
        }
        String curated = curated(curatedBucket);
        expect(problems, arguments, CURATED_PATH, curated + "curated/");
        expect(problems, arguments, AGGREGATES_PATH, curated + "aggregates/");
        expect(problems, arguments, SUMMARY_URI, curated + "glue/runs/" + job + "/" + window + "/summary.json");
        boolean manifest = arguments.containsKey(MANIFEST_URI);
        if (manifest == arguments.containsKey(INPUT_PATHS)) {
            problems.add("exactly one of " + MANIFEST_URI + " and " + INPUT_PATHS + " must be given");
        } else if (manifest) {
            expect(problems, arguments, MANIFEST_URI, curated + manifestKey(job, window));
        } else {
            Pattern partition = Pattern.compile(Pattern.quote("s3://" + processedBucket + "/") + PARTITION);
            for (String path : arguments.get(INPUT_PATHS).split(",", -1)) {
                if (!partition.matcher(path).matches()) {
                    problems.add(INPUT_PATHS + " entry '" + path + "' is not a partition of s3://" + processedBucket
                            + "/processed/");
                }
            }
        }
        return problems;
    }

    private static void expect(List<String> problems, Map<String, String> arguments, String key, String expected) {
        String actual = arguments.get(key);
        if (!expected.equals(actual)) {
            problems.add(
                    key + " is " + (actual == null ? "missing" : "'" + actual + "'") + ", expected '" + expected + "'");
        }
    }

    private static String curated(String curatedBucket) {
        return "s3://" + curatedBucket + "/";
    }
}
