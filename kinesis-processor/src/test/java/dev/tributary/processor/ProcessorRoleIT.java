package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.LocalPipeline;
import dev.tributary.devkit.PipelineResources;
import dev.tributary.devkit.iam.IamGate;
import dev.tributary.devkit.ledger.RecordLedger;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.toolkit.SamTemplate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The processor under its own template role, behind the emulator's IAM gate: what the deployed stack may do, and
 * that a permission taken out of the template is a failure a test sees, not a deployment.
 */
class ProcessorRoleIT {
    private static final List<String> EVENTS = List.of(
            KinesisProcessorIT.pageView("role-1", "2026-11-22T10:01:00Z"),
            KinesisProcessorIT.reading("role-2", "2026-11-22T10:02:00Z"),
            "not json, quarantined under failed/");

    @Test
    void handleRequest_whenBatchRedelivered_comparesItsEarlierWritesUnderItsRole() {
        try (ProcessorTestBed bed = new ProcessorTestBed(1)) {
            bed.put(EVENTS);
            List<Record> records = bed.readShard();

            StreamsEventResponse first = LambdaEvents.invoke(bed.handler(), bed.event(records), null);
            // Lambda delivers the same batch again (a timeout after the writes, a retried shard): every object
            // exists, so each conditional PUT answers 412 and the processor HEADs it to compare checksums.
            StreamsEventResponse again = LambdaEvents.invoke(bed.handler(), bed.event(records), null);

            assertThat(first.getBatchItemFailures()).isEmpty();
            assertThat(again.getBatchItemFailures()).isEmpty();
            assertThat(bed.rawObjects()).hasSize(2);
            assertThat(bed.failedObjects()).hasSize(1);
            assertThat(bed.resources.deployment().denials()).isEmpty();
        }
    }

    @Test
    void handleRequest_whenTemplateRoleLacksGetObject_redeliveredBatchFailsAndTheDenialNamesActionResourceRole() {
        SamTemplate withoutGet =
                SamTemplate.load(SamTemplate.locate()).withoutPermission("KinesisProcessorRole", "s3:GetObject");
        try (ProcessorTestBed bed = new ProcessorTestBed(LocalPipeline.deploy(
                AwsEmulator.get(),
                withoutGet,
                "kp-noget-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of("ShardCount", "1"),
                new RecordLedger()))) {
            LocalDeployment deployment = bed.pipeline.deployment();
            bed.put(EVENTS);
            List<Record> records = bed.readShard();

            StreamsEventResponse first = LambdaEvents.invoke(bed.handler(), bed.event(records), null);
            StreamsEventResponse again = LambdaEvents.invoke(bed.handler(), bed.event(records), null);

            assertThat(first.getBatchItemFailures())
                    .as("first delivery: PutObject is still allowed")
                    .isEmpty();
            assertThat(again.getBatchItemFailures())
                    .as("the retry path needs s3:GetObject")
                    .isNotEmpty();
            List<IamGate.Denial> denials = deployment.denials();
            assertThat(denials).isNotEmpty().allSatisfy(denial -> {
                assertThat(denial.action().action()).isEqualTo("s3:GetObject");
                assertThat(denial.action().resource()).startsWith("arn:aws:s3:::" + bed.resources.rawBucket() + "/");
                assertThat(denial.role())
                        .isEqualTo(
                                deployment.session(PipelineResources.PROCESSOR).roleName());
                assertThat(denial.toString()).contains("s3:GetObject", bed.resources.rawBucket(), denial.role());
            });
        }
    }
}
