package dev.tributary.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/** Sample events of the three example types, about 1 % invalid in different ways (cli's SampleEvents, short). */
final class SoakSampleEvents {
    record Sample(String json, boolean valid) {}

    private static final double INVALID_SHARE = 0.01;
    private static final String[] PAGES = {"/", "/search", "/product/42", "/cart", "/checkout"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"};
    private final SplittableRandom random;

    SoakSampleEvents(long seed) {
        this.random = new SplittableRandom(seed);
    }

    List<Sample> next(int count, Instant now) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            samples.add(random.nextDouble() < INVALID_SHARE ? new Sample(invalid(id, now), false)
                    : new Sample(valid(id, now.minusSeconds(random.nextInt(2 * 3600)).toString()), true));
        }
        return samples;
    }

    private String valid(String id, String time) {
        return switch (random.nextInt(3)) {
            case 0 -> envelope(id, "page_view", time, "{\"page_url\":\"https://shop.example.com"
                    + PAGES[random.nextInt(PAGES.length)] + "?ref=" + random.nextInt(100) + "\",\"tti_ms\":"
                    + (300 + random.nextInt(4000)) + ",\"ttar_ms\":" + (50 + random.nextInt(900))
                    + ",\"user_id\":\"u-" + random.nextInt(5000) + "\",\"session_id\":\"s-"
                    + random.nextInt(100000) + "\",\"user_agent\":\"" + AGENTS[random.nextInt(AGENTS.length)]
                    + "\"}");
            case 1 -> envelope(id, "sensor_reading", time, "{\"device_id\":\"sensor-" + random.nextInt(50)
                    + "\",\"metric\":\"temperature\",\"value\":" + (random.nextInt(10000) / 100.0 - 20)
                    + ",\"unit\":\"si\",\"firmware\":\"2.4." + random.nextInt(9) + "\"}");
            default -> envelope(id, "payment", time, "{\"transaction_id\":\"tx-" + random.nextInt(1_000_000)
                    + "\",\"amount\":\"" + random.nextInt(500) + "." + String.format("%02d", random.nextInt(100))
                    + "\",\"currency\":\"EUR\",\"status\":\"captured\",\"customer_id\":\"c-"
                    + random.nextInt(3000) + "\",\"card_last4\":\"" + String.format("%04d", random.nextInt(10000))
                    + "\"}");
        };
    }

    private String invalid(String id, Instant now) {
        return switch (random.nextInt(4)) {
            case 0 -> "{\"event_id\":\"" + id + "\",\"truncated";
            case 1 -> envelope(id, "page_view", "last tuesday", "{\"page_url\":\"https://a.example/\"}");
            case 2 -> envelope(id, "../../etc", now.toString(), "{}");
            default -> envelope(id, "payment", now.toString(), "{\"transaction_id\":\"t\",\"amount\":12.5}");
        };
    }

    private static String envelope(String id, String type, String time, String payload) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":\"" + time
                + "\",\"source\":\"tributary-soak\",\"schema_version\":1,\"payload\":" + payload + "}";
    }
}
