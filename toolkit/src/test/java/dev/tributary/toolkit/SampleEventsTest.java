package dev.tributary.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleEventsTest {

    @Test
    void next_whenSameSeedAndBase_givesTheSameBytes() {
        List<SampleEvents.Sample> one = new SampleEvents(8, 0.05, SampleEvents.FIXED_BASE).next(500);
        List<SampleEvents.Sample> two = new SampleEvents(8, 0.05, SampleEvents.FIXED_BASE).next(500);

        assertThat(two).isEqualTo(one);
        assertThat(new SampleEvents(9, 0.05, SampleEvents.FIXED_BASE).next(500)).isNotEqualTo(one);
    }

    @Test
    void next_whenValid_fallsInTheTwoHoursBeforeTheBase() throws Exception {
        for (SampleEvents.Sample sample : new SampleEvents(8, 0, SampleEvents.FIXED_BASE).next(300)) {
            Instant time = Instant.parse(
                    Json.mapper().readTree(sample.json()).path("event_time").asText());
            assertThat(time).isBetween(SampleEvents.FIXED_BASE.minus(Duration.ofHours(2)), SampleEvents.FIXED_BASE);
        }
    }

    @Test
    void next_whenTheFutureEventIsGenerated_itIsPastAnyArrivalPlusTheSkewWhateverTheBase() throws Exception {
        // With a fixed base in the past, "base + 30 days" would have become a valid time a month later.
        List<Instant> futureTimes = new SampleEvents(8, 1, SampleEvents.FIXED_BASE)
                .next(300).stream()
                        .map(sample -> parse(sample.json()).path("event_time").asText())
                        .filter(text -> text.startsWith("2999"))
                        .map(Instant::parse)
                        .toList();

        assertThat(futureTimes)
                .isNotEmpty()
                .allSatisfy(time -> assertThat(time).isAfter(Instant.now().plus(Duration.ofDays(365 * 900))));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return Json.mapper().createObjectNode(); // deliberately broken samples
        }
    }
}
