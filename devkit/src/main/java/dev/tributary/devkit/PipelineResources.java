package dev.tributary.devkit;

import dev.tributary.toolkit.SamTemplate;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The kinesis-processor's resources, deployed from {@code infra/template.yaml} through {@link LocalDeployment} under
 * a name prefix unique to one test or demo run, so runs sharing an emulator never see each other's data, and a key,
 * index or queue the template changes changes here too.
 *
 * @param streamName         Kinesis stream
 * @param streamArn          its ARN, as Lambda puts it in events
 * @param rawBucket          bucket for {@code raw/} and {@code failed/}
 * @param metadataTable      metadata table
 * @param deadLetterQueueUrl the processor's dead-letter queue (the Kinesis on-failure destination; see {@link #quarantineQueueUrl})
 * @param deployment         the whole deployment (the other functions' resources, their roles)
 */
public record PipelineResources(
        String streamName,
        String streamArn,
        String rawBucket,
        String metadataTable,
        String deadLetterQueueUrl,
        LocalDeployment deployment) {
    /** The processor's logical id in the template. */
    public static final String PROCESSOR = "KinesisProcessorFunction";

    /** Deploys the template with names starting {@code <prefix>-<random>} and {@code shards} Kinesis shards. */
    public static PipelineResources deploy(AwsEmulator emulator, String prefix, int shards) {
        String base = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        LocalDeployment deployment = LocalDeployment.deploy(
                SamTemplate.load(SamTemplate.locate()), emulator, base, Map.of("ShardCount", Integer.toString(shards)));
        return of(deployment);
    }

    /** The processor's resources of a deployment. */
    public static PipelineResources of(LocalDeployment deployment) {
        return new PipelineResources(
                deployment.physicalId("EventStream"),
                deployment.arn("EventStream"),
                deployment.physicalId("RawBucket"),
                deployment.physicalId("MetadataTable"),
                deployment.physicalId("ProcessorDeadLetterQueue"),
                deployment);
    }

    /** The processor's quarantine notice queue ({@code QUARANTINE_QUEUE_URL}). */
    public String quarantineQueueUrl() {
        return deployment.physicalId("QuarantineQueue");
    }

    /** Waits until {@code stream} is ACTIVE and returns its ARN (after a reshard, say). */
    public static String awaitActive(KinesisClient kinesis, String stream) {
        return ResourceCreator.awaitActive(kinesis, stream);
    }

    /**
     * The processor's environment as the template defines it, with its role's credentials and the emulator's IAM
     * gate as endpoint ({@link LocalDeployment#functionEnvironment}).
     */
    public Map<String, String> processorEnvironment() {
        return deployment.functionEnvironment(PROCESSOR);
    }
}
