package dev.tributary.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows a scenario class contributes to the failure matrix in docs/reliability.md, written by
 * {@code scripts/scenarios.sh}: only what a seed decides (faults, retries, where each record ended), never times, so
 * two runs with the same seed print the same rows.
 *
 * <p>The seed comes from {@code -Dtributary.scenario.seed} (default {@value #DEFAULT_SEED}); with
 * {@code -Dtributary.scenario.rows=DIR} the rows are also written to {@code DIR/<class>.md}, sorted by test name.
 */
final class ScenarioTable {
    static final long DEFAULT_SEED = 21;

    private final String testClass;
    private final Map<String, String> rows = new TreeMap<>();

    ScenarioTable(Class<?> testClass) {
        this.testClass = testClass.getSimpleName();
    }

    /** The seed of this run's faults and sample events. */
    static long seed() {
        return Long.getLong("tributary.scenario.seed", DEFAULT_SEED);
    }

    /** Adds the row of test {@code method}: {@code | scenario | outcome | Class.method |}. */
    synchronized void add(String method, String scenario, String outcome) {
        rows.put(method, "| " + scenario + " | " + outcome + " | `" + testClass + "." + method + "` |");
    }

    /** Prints the rows and, when asked for, writes them where scripts/scenarios.sh collects them. */
    synchronized void publish() {
        System.out.println("scenario rows (seed " + seed() + "):");
        rows.values().forEach(System.out::println);
        String dir = System.getProperty("tributary.scenario.rows");
        if (dir != null && !rows.isEmpty()) {
            try {
                Path file = Path.of(dir).resolve(testClass + ".md");
                Files.createDirectories(file.getParent());
                Files.writeString(file, String.join("\n", rows.values()) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the scenario rows to " + dir, e);
            }
        }
    }
}
