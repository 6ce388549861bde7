package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.event.QuarantineReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchProcessorDecoderFailureTest {

    @Test
    void process_whenDecoderThrows_quarantinesThatRecordAndKeepsTheBatch() {
        // A decoder with a bug: it throws on one record. The batch must not fail (and re-fail) because of it.
        EventDecoder real = new EventDecoder(new EventSchemas(), 1024, Duration.ofDays(1));
        BatchProcessor.RecordDecoder broken = (data, arrival) -> {
            if (new String(data, java.nio.charset.StandardCharsets.UTF_8).contains("boom")) {
                throw new IllegalStateException("decoder bug");
            }
            return real.decode(data, arrival);
        };
        BatchProcessorTest.RecordingWriter writer = new BatchProcessorTest.RecordingWriter();
        List<String> warnings = new ArrayList<>();
        BatchProcessor processor = new BatchProcessor(broken, writer, 2, warnings::add);

        BatchResult result = processor.process(List.of(
                BatchProcessorTest.record(1, BatchProcessorTest.pageView("a", "2026-11-22T10:00:00Z")),
                BatchProcessorTest.record(2, "{\"boom\":1}")));

        assertThat(result.retryFrom()).isEmpty();
        assertThat(result.quarantined()).isEqualTo(1);
        assertThat(writer.quarantineWrites).containsExactly(List.of(QuarantineReason.DECODER_ERROR));
        assertThat(warnings).singleElement().asString().contains("decoder failed on sequence 1002");
    }
}
