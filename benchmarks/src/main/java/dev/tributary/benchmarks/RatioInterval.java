package dev.tributary.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ratio of two variants' median cold starts with a 90% percentile-bootstrap interval: each variant's runs are
 * resampled with replacement (independently: interleaved runs are not pairs), the ratio of the resamples' medians
 * taken 10,000 times, and its 5th and 95th percentiles reported. Seeded, so the same runs give the same interval.
 *
 * <pre>RatioInterval benchmarks/target/bench/cold-start.json [trivial-tier1]</pre> prints every variant's median
 * start-to-first-response time, p10–p90, and ratio to the reference variant.
 */
public record RatioInterval(double ratio, double low, double high) {
    static final int RESAMPLES = 10_000;

    /** {@code measured}'s median over {@code reference}'s, with its 90% bootstrap interval. */
    public static RatioInterval of(double[] measured, double[] reference) {
        SplittableRandom random = new SplittableRandom(17);
        double[] ratios = new double[RESAMPLES];
        for (int i = 0; i < RESAMPLES; i++) {
            ratios[i] = median(resample(measured, random)) / median(resample(reference, random));
        }
        Arrays.sort(ratios);
        return new RatioInterval(
                median(measured) / median(reference),
                ratios[(int) (0.05 * RESAMPLES)],
                ratios[(int) (0.95 * RESAMPLES) - 1]);
    }

    static double median(double[] values) {
        return percentile(values, 0.5);
    }

    /** Linear interpolation between the closest ranks (the "inclusive" method: p0 is the minimum, p1 the maximum). */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    private static double[] resample(double[] values, SplittableRandom random) {
        double[] sample = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            sample[i] = values[random.nextInt(values.length)];
        }
        return sample;
    }

    public static void main(String[] args) throws IOException {
        JsonNode variants = Json.mapper().readTree(Path.of(args[0]).toFile()).path("variants");
        String reference = args.length > 1 ? args[1] : "trivial-tier1";
        double[] base = totals(variants.path(reference));
        for (var entry : variants.properties()) {
            double[] totals = totals(entry.getValue());
            RatioInterval ratio = of(totals, base);
            System.out.printf(
                    "%-28s %6.0f ms (p10-p90 %5.0f-%5.0f)  %.2fx %s (90%% CI %.2f-%.2f)%n",
                    entry.getKey(),
                    median(totals),
                    percentile(totals, 0.1),
                    percentile(totals, 0.9),
                    ratio.ratio(),
                    reference,
                    ratio.low(),
                    ratio.high());
        }
    }

    private static double[] totals(JsonNode variant) {
        List<Double> values = new ArrayList<>();
        variant.path("total_ms").forEach(node -> values.add(node.asDouble()));
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no total_ms in " + variant);
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
