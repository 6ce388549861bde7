package dev.tributary.toolkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic sample events of every example type, with a share deliberately invalid (each of a different kind),
 * reproducible from a seed and a base time: the same seed and base give the same bytes on every run. The one
 * generator of the operator's {@code produce}, the demo, the tests and the soak (which moves its base time on with
 * every batch: {@link #next(int, Instant)}).
 */
public final class SampleEvents {
    /**
     * The demo's and the tests' default base time, so that a seed fixes every event's bytes (and so every raw
     * partition). Valid events fall in the two hours before it. Nothing downstream needs recent event times: the
     * processor bounds only how far in the future an event may be, Lambda's record age counts from the arrival in
     * the stream, the orchestrator's windows and the buckets' lifecycle rules count processing and creation time.
     */
    public static final String FIXED_BASE_TEXT = "2026-11-22T04:00:00Z";

    public static final Instant FIXED_BASE = Instant.parse(FIXED_BASE_TEXT);
    /**
     * The time of the deliberately too-far-future event. Fixed, and far enough ahead that it stays past any
     * arrival time plus {@code MAX_FUTURE_SKEW_SECONDS}, whatever base time a run uses.
     */
    public static final Instant FAR_FUTURE = Instant.parse("2999-01-01T00:00:00Z");

    private static final String[] PAGES = {"/", "/search", "/product/42", "/cart", "/checkout", "/account"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    };
    private static final String[] METRICS = {"temperature", "humidity", "pressure"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};

    /** One generated record: its bytes and whether it is meant to be valid. */
    public record Sample(String json, boolean valid) {}

    private final SplittableRandom random;
    private final double invalidShare;
    private final Instant now;
    private final int spreadSeconds;

    public SampleEvents(long seed, double invalidShare, Instant now) {
        this(seed, invalidShare, now, 2 * 3600);
    }

    /** @param spreadSeconds valid events' times lie in the {@code spreadSeconds} before {@code now} */
    public SampleEvents(long seed, double invalidShare, Instant now, int spreadSeconds) {
        this.random = new SplittableRandom(seed);
        this.invalidShare = invalidShare;
        this.now = now;
        this.spreadSeconds = spreadSeconds;
    }

    public List<Sample> next(int count) {
        return next(count, now);
    }

    /** The next {@code count} samples, valid ones in the spread before {@code base} instead of the constructor's. */
    public List<Sample> next(int count, Instant base) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(random.nextDouble() < invalidShare ? invalid(base) : new Sample(valid(base), true));
        }
        return samples;
    }

    private String valid(Instant base) {
        String id = new UUID(random.nextLong(), random.nextLong()).toString();
        String time = base.minusSeconds(random.nextInt(spreadSeconds)).toString();
        return switch (random.nextInt(3)) {
            // Personal data where real producers put it: ids, a user agent, an e-mail address in a query string (a
            // sign-up link), a search engine's query in the referrer (docs/transformer.md, PII policy).
            case 0 ->
                envelope(
                        id,
                        "page_view",
                        time,
                        "{\"page_url\":\"https://shop.example.com"
                                + PAGES[random.nextInt(PAGES.length)] + "?ref=" + random.nextInt(100)
                                + (random.nextInt(5) == 0
                                        ? "&email=shopper" + random.nextInt(5000) + "%40example.org"
                                        : "")
                                + "\",\"tti_ms\":"
                                + (300 + random.nextInt(4000)) + ",\"ttar_ms\":" + (50 + random.nextInt(900))
                                + ",\"user_id\":\"u-" + random.nextInt(5000) + "\",\"session_id\":\"s-"
                                + random.nextInt(100000)
                                + "\",\"user_agent\":\"" + AGENTS[random.nextInt(AGENTS.length)] + "\""
                                + (random.nextInt(3) == 0
                                        ? ",\"referrer\":\"https://search.example.net/search?q=running+shoes+"
                                                + random.nextInt(50) + "&uid=r" + random.nextInt(90000) + "\""
                                        : "")
                                + "}");
            case 1 ->
                envelope(
                        id,
                        "sensor_reading",
                        time,
                        "{\"device_id\":\"sensor-" + random.nextInt(50)
                                + "\",\"metric\":\"" + METRICS[random.nextInt(METRICS.length)] + "\",\"value\":"
                                + (random.nextInt(10000) / 100.0 - 20) + ",\"unit\":\"si\",\"firmware\":\"2.4."
                                + random.nextInt(9)
                                + "\"}");
            default ->
                envelope(
                        id,
                        "payment",
                        time,
                        "{\"transaction_id\":\"tx-" + random.nextInt(1_000_000)
                                + "\",\"amount\":\"" + random.nextInt(500) + "."
                                + String.format("%02d", random.nextInt(100))
                                + "\",\"currency\":\"" + CURRENCIES[random.nextInt(CURRENCIES.length)]
                                + "\",\"status\":\"captured\",\"customer_id\":\"c-" + random.nextInt(3000)
                                + "\",\"card_last4\":\"" + String.format("%04d", random.nextInt(10000)) + "\"}");
        };
    }

    private Sample invalid(Instant base) {
        String id = new UUID(random.nextLong(), random.nextLong()).toString();
        String time = base.toString();
        String json = switch (random.nextInt(6)) {
            case 0 -> "{\"event_id\":\"" + id + "\",\"truncated";
            case 1 -> "[\"an\",\"array\"]";
            case 2 ->
                envelope(
                        id,
                        "page_view",
                        "last tuesday",
                        "{\"page_url\":\"https://a.example/\",\"tti_ms\":1,\"ttar_ms\":1}");
            case 3 -> envelope(id, "../../etc", time, "{}");
            case 4 ->
                envelope(
                        id,
                        "payment",
                        time,
                        "{\"transaction_id\":\"t\",\"amount\":12.5,\"currency\":\"eur\",\"status\":\"ok\"}");
            default ->
                envelope(
                        id,
                        "sensor_reading",
                        FAR_FUTURE.toString(),
                        "{\"device_id\":\"d\",\"metric\":\"temperature\",\"value\":1}");
        };
        return new Sample(json, false);
    }

    private static String envelope(String id, String type, String time, String payload) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":\"" + time
                + "\",\"source\":\"tributary-demo\",\"schema_version\":1,\"payload\":" + payload + "}";
    }
}
