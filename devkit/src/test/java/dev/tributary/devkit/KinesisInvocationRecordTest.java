package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.json.Json;
import dev.tributary.common.lambda.OnFailureRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The simulator writes Lambda's on-failure record; the operator's redrive and the ledger read it with
 * {@link OnFailureRecord}, the one reader of that format: what one writes, the other must read.
 */
class KinesisInvocationRecordTest {
    private static Record record(String sequenceNumber, Instant arrival) {
        return Record.builder()
                .sequenceNumber(sequenceNumber)
                .partitionKey("k")
                .data(SdkBytes.fromUtf8String("x"))
                .approximateArrivalTimestamp(arrival)
                .build();
    }

    @Test
    void json_whenReadByOnFailureRecord_givesTheBatchsStreamShardAndSequenceRange() throws Exception {
        String arn = "arn:aws:kinesis:us-east-1:123456789012:stream/demo-1234-events";
        List<Record> slice = List.of(
                record("4960", Instant.parse("2026-11-22T04:00:00Z")),
                record("4961", Instant.parse("2026-11-22T04:00:01Z")),
                record("4962", Instant.parse("2026-11-22T04:00:02Z")));

        String json = KinesisInvocationRecord.json(
                Region.US_EAST_1,
                "RetryAttemptsExhausted",
                3,
                Instant.parse("2026-11-22T04:01:00Z"),
                "shardId-000000000001",
                arn,
                slice);

        assertThat(OnFailureRecord.kinesisBatch(Json.mapper().readTree(json))).hasValueSatisfying(batch -> {
            assertThat(batch.streamArn()).isEqualTo(arn);
            assertThat(batch.streamName()).isEqualTo("demo-1234-events");
            assertThat(batch.shardId()).isEqualTo("shardId-000000000001");
            assertThat(batch.startSequenceNumber()).isEqualTo("4960");
            assertThat(batch.endSequenceNumber()).isEqualTo("4962");
            assertThat(batch.batchSize()).isEqualTo(Optional.of(3));
        });
    }
}
