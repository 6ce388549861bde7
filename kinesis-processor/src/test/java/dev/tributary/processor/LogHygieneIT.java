package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.LambdaEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the processor logs never contains what producers sent: not valid payloads, not the bytes of invalid records,
 * not the values that made them invalid. Logs are captured (the handler's structured log and the process's
 * stdout/stderr) and searched for every sensitive value the batch carried.
 */
class LogHygieneIT {
    private static final List<String> SECRETS = List.of(
            "alice@example.com", "4111111111111111", "s3cr3t-t0ken-value", "DE89370400440532013000", "555-0142");
    private final ProcessorTestBed bed = new ProcessorTestBed(1);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void handleRequest_whenRecordsCarryPii_logsNoneOfIt() {
        String valid = KinesisProcessorIT.event(
                "e-1",
                "page_view",
                "2026-11-22T10:00:00Z",
                "{\"page_url\":\"https://a.example/?email=alice@example.com\",\"tti_ms\":1,\"ttar_ms\":2,"
                        + "\"user_id\":\"4111111111111111\"}");
        String invalidTime = KinesisProcessorIT.event(
                "e-2",
                "payment",
                "s3cr3t-t0ken-value",
                "{\"transaction_id\":\"DE89370400440532013000\",\"amount\":\"1.00\",\"currency\":\"EUR\","
                        + "\"status\":\"captured\"}");
        String invalidPayload = KinesisProcessorIT.event(
                "e-3",
                "payment",
                "2026-11-22T10:00:00Z",
                "{\"transaction_id\":\"t\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"status\":\"captured\","
                        + "\"card_last4\":\"555-0142\"}");
        String notJson = "{\"phone\": 555-0142, alice@example.com";
        bed.put(List.of(valid, invalidTime, invalidPayload, notJson));

        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            LambdaEvents.invoke(
                    bed.handler(List.of(InjectedFault.putObjectWhereKeyContains("failed/")), List.of()),
                    bed.event(bed.readShard()),
                    null);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        String logs = bed.logText() + captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("batch processed", "\"quarantined\":3", "injected fault");
        for (String secret : SECRETS) {
            assertThat(logs).as("logs must not contain %s", secret).doesNotContain(secret);
        }
    }
}
