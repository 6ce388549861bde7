package dev.tributary.devtools;

import dev.tributary.cli.ProgressBar;
import dev.tributary.cli.TributaryCli;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.LocalPipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The recovery at the end of a demo run: once the faults stop, {@code tributary redrive … --execute} for each
 * dead-letter queue that holds anything (the operator's own command, not a shortcut around it), then the stages
 * after it again.
 */
final class DemoRecovery {
    /** What the recovery redrove: messages found on each dead-letter queue, and the redrive commands' exit codes. */
    record Recovery(int processorMessages, int transformerMessages, int orchestratorMessages, List<Integer> exits) {
        boolean needed() {
            return processorMessages + transformerMessages + orchestratorMessages > 0;
        }
    }

    private final LocalPipeline pipeline;
    private final LocalDeployment deployment;
    private final PipelineStages stages;
    private final Runnable stopFaults;
    private final PrintStream err;

    DemoRecovery(LocalPipeline pipeline, PipelineStages stages, Runnable stopFaults, PrintStream err) {
        this.pipeline = pipeline;
        this.deployment = pipeline.deployment();
        this.stages = stages;
        this.stopFaults = stopFaults;
        this.err = err;
    }

    /**
     * The faults stopped, runs {@code tributary redrive … --execute} for each dead-letter queue that holds anything,
     * then the stages after it again: the redriven batches' raw objects notify the transformer, and the objects
     * processed since the first Glue run form a new window.
     */
    Recovery run(boolean glueRuns, List<PipelineStages.GlueReport> glueReports) throws IOException {
        String processorQueue = deployment.physicalId("ProcessorDeadLetterQueue");
        String transformerQueue = deployment.physicalId("TransformerDeadLetterQueue");
        String orchestratorQueue = deployment.physicalId("OrchestratorDeadLetterQueue");
        Recovery found = new Recovery(
                pipeline.messages("ProcessorDeadLetterQueue"),
                pipeline.messages("TransformerDeadLetterQueue"),
                pipeline.messages("OrchestratorDeadLetterQueue"),
                List.of());
        if (!found.needed()) {
            return found;
        }
        stopFaults.run();
        stages.dropOverrides();
        err.println("recover    faults stopped; redriving " + found.processorMessages() + " + "
                + found.transformerMessages() + " + " + found.orchestratorMessages() + " dead-letter messages");
        List<String> aws =
                List.of("--endpoint-url", AwsEmulator.get().endpoint().toString(), "--region", deployment.region());
        List<Integer> exits = new ArrayList<>();
        if (found.processorMessages() > 0) {
            exits.add(redrive(
                    aws,
                    "kinesis",
                    "--queue",
                    processorQueue,
                    "--raw-bucket",
                    deployment.physicalId("RawBucket"),
                    "--metadata-table",
                    deployment.physicalId("MetadataTable"),
                    "--quarantine-queue",
                    deployment.physicalId("QuarantineQueue")));
            stages.transform(new ProgressBar(err, "transform", 1), 1); // the redriven batches' new raw objects
        }
        if (pipeline.messages("TransformerDeadLetterQueue") > 0) {
            List<String> args = new ArrayList<>(List.of("transformer", "--queue", transformerQueue));
            stages.functionEnvironment(PipelineStages.TRANSFORMER).forEach((name, value) -> {
                args.add("--function-env");
                args.add(name + "=" + value);
            });
            exits.add(redrive(aws, args.toArray(String[]::new)));
        }
        if (found.orchestratorMessages() > 0) {
            exits.add(redrive(
                    aws,
                    "glue",
                    "--queue",
                    orchestratorQueue,
                    "--job",
                    deployment.physicalId("CurationJob"),
                    "--processed-bucket",
                    deployment.physicalId("ProcessedBucket")));
        }
        if (glueRuns) {
            glueReports.add(stages.orchestrate(
                    Files.createTempDirectory("tributary-glue"),
                    DemoRun.repository(),
                    1,
                    PipelineStages.GlueFault.NONE));
        }
        return new Recovery(
                found.processorMessages(),
                found.transformerMessages(),
                found.orchestratorMessages(),
                List.copyOf(exits));
    }

    private int redrive(List<String> aws, String... args) {
        List<String> command = new ArrayList<>(List.of("redrive"));
        command.addAll(List.of(args));
        command.add("--execute");
        command.addAll(aws);
        err.println("recover    tributary " + String.join(" ", command.subList(0, 2)) + " … --execute");
        return new CommandLine(new TributaryCli()).execute(command.toArray(String[]::new));
    }
}
