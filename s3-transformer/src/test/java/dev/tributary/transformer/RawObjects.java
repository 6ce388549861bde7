package dev.tributary.transformer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Builds and reads gzip JSON Lines bodies for tests. */
final class RawObjects {
    private RawObjects() {}

    static String event(String id, String type, String time, String payload) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":\"" + time
                + "\",\"source\":\"test\",\"schema_version\":1,\"payload\":" + payload + "}";
    }

    static String reading(String id) {
        return event(
                id,
                "sensor_reading",
                "2026-11-22T10:15:00Z",
                "{\"device_id\":\"d-1\",\"metric\":\"temperature\",\"value\":21.5}");
    }

    static String pageView(String id) {
        return event(
                id,
                "page_view",
                "2026-11-22T10:15:00Z",
                "{\"page_url\":\"https://shop.example.com/p/" + id
                        + "?ref=mail\",\"tti_ms\":1200,\"ttar_ms\":300,\"user_id\":\"u-" + id + "\",\"user_agent\":"
                        + "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/120.0.0.0 Safari/537.36\"}");
    }

    static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] lines(String... lines) {
        return gzip(String.join("\n", lines) + "\n");
    }

    static List<String> gunzipLines(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : new ArrayList<>(List.of(text.split("\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
