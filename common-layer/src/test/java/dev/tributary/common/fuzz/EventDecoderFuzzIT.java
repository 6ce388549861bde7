package dev.tributary.common.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tributary.common.event.DecodeResult;
import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.layout.Partition;
import dev.tributary.common.layout.StreamPosition;
import java.time.Duration;
import java.time.Instant;

/**
 * Fuzzes the Kinesis record decoder: whatever bytes a producer sends, decoding returns a verdict (never throws),
 * an invalid verdict always has a reason and a detail, and a valid event always maps to a key under {@code raw/}.
 *
 * <p>Replays the committed corpus ({@code EventDecoderFuzzITInputs/decode/}, every crash ever found included) as a
 * regression test; an {@code *IT} because Jazzer's agent makes it take seconds, not milliseconds. Time-bounded
 * fuzzing runs through {@link EventDecoderFuzzer} and {@code scripts/fuzz.sh}.
 */
class EventDecoderFuzzIT {
    private static final EventDecoder DECODER = new EventDecoder(new EventSchemas(), 64 * 1024, Duration.ofDays(1));
    private static final StreamPosition POSITION = new StreamPosition("events", "shardId-000000000000", "1");
    private static final Instant ARRIVAL = Instant.parse("2026-11-22T10:00:00Z");

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        DecodeResult result = DECODER.decode(data, ARRIVAL);

        switch (result) {
            case DecodeResult.Invalid invalid -> {
                assertThat(invalid.reason()).isNotNull();
                assertThat(invalid.detail()).isNotBlank();
            }
            case DecodeResult.Valid valid -> {
                String key = ObjectKeys.raw(
                        Partition.of(valid.event().eventType(), valid.event().eventTime()), POSITION);
                assertThat(key)
                        .startsWith("raw/event_type=" + valid.event().eventType() + "/dt=")
                        .doesNotContain("..")
                        .doesNotContain("//");
                assertThat(ObjectKeys.parse(key)).isPresent();
            }
        }
    }
}
