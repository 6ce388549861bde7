package dev.tributary.cli;

import dev.tributary.common.json.Json;
import dev.tributary.orchestrator.GlueDeadLetter;
import dev.tributary.orchestrator.GlueRunArguments;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@code tributary redrive glue}: rerun the windows on the glue-orchestrator's dead-letter queue. */
@Command(
        name = "glue",
        mixinStandardHelpOptions = true,
        description = "Reads the glue-orchestrator's dead-letter queue (windows whose runs failed MAX_RUN_ATTEMPTS "
                + "times) and starts a Glue run of each window with its exact arguments. The job de-duplicates "
                + "against curated data, so rerunning a window is harmless. Only the stack's own job (--job) is "
                + "started, and only with the arguments the orchestrator itself could pass: known keys, S3 "
                + "locations under the job's curated bucket and the processed bucket; anything else is refused.")
final class GlueRedrive implements Callable<Integer> {
    @Mixin
    AwsOptions aws = new AwsOptions();

    @Option(names = "--queue", required = true, description = "The orchestrator's dead-letter queue URL.")
    String queue;

    @Option(
            names = "--job",
            required = true,
            description =
                    "The stack's curation job (stack output CurationJobName); messages naming another job are refused.")
    String job;

    @Option(
            names = "--processed-bucket",
            required = true,
            description = "The stack's processed bucket: every input path must be one of its partitions.")
    String processedBucket;

    @Option(names = "--execute", description = "Start the runs and delete the messages (default: only report).")
    boolean execute;

    @Option(
            names = "--max-messages",
            defaultValue = "100",
            description = "Messages to look at (default: ${DEFAULT-VALUE}).")
    int maxMessages;

    @Override
    public Integer call() throws IOException {
        int started = 0;
        int skipped = 0;
        int refused = 0;
        int duplicates = 0;
        java.util.Set<String> windows = new java.util.HashSet<>();
        try (SqsClient sqs = aws.clients().configure(SqsClient.builder()).build();
                software.amazon.awssdk.services.glue.GlueClient glue = aws.clients()
                        .configure(software.amazon.awssdk.services.glue.GlueClient.builder())
                        .build()) {
            // The curated bucket as the job itself is defined (its --curated_path default), not as a message says.
            String curatedPath = glue.getJob(b -> b.jobName(job))
                    .job()
                    .defaultArguments()
                    .getOrDefault(GlueRunArguments.CURATED_PATH, "");
            if (!curatedPath.matches("s3://[^/]+/curated/")) {
                throw new IllegalArgumentException("job " + job + " has no --curated_path default of the form "
                        + "s3://BUCKET/curated/ (is it the stack's curation job?)");
            }
            String curatedBucket = curatedPath.substring("s3://".length(), curatedPath.length() - "/curated/".length());
            for (Message message : RedriveCommand.receiveAll(sqs, queue, execute, maxMessages)) {
                Optional<GlueDeadLetter> letter =
                        GlueDeadLetter.parse(Json.mapper().readTree(message.body()));
                if (letter.isEmpty()) {
                    skipped++;
                    System.out.printf("  skip   %s (not a window)%n", message.messageId());
                    continue;
                }
                String messageJob = letter.get().jobName();
                Map<String, String> arguments =
                        new java.util.TreeMap<>(letter.get().glueArguments());
                java.util.List<String> problems = new java.util.ArrayList<>(
                        GlueRunArguments.violations(arguments, job, curatedBucket, processedBucket));
                if (!job.equals(messageJob)) {
                    problems.addFirst("names job '" + messageJob + "', not this stack's " + job);
                }
                if (!problems.isEmpty()) {
                    refused++;
                    System.out.printf(
                            "  refuse %s (window %s): %s%n",
                            message.messageId(), letter.get().windowId(), String.join("; ", problems));
                    continue;
                }
                // The orchestrator can dead-letter one window twice (a tick and the run's state event both give up
                // on it, each sending before its conditional write settles): one rerun is enough.
                if (!windows.add(letter.get().windowId())) {
                    duplicates++;
                    System.out.printf(
                            "  dup    %s: window %s is already %s by this redrive%s%n",
                            message.messageId(),
                            letter.get().windowId(),
                            execute ? "rerun" : "listed",
                            execute ? "; message deleted" : "");
                    if (execute) {
                        sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
                    }
                    continue;
                }
                if (!execute) {
                    System.out.printf(
                            "  would  rerun window %s of %s (%d attempts, last %s: %s) with%n",
                            letter.get().windowId(),
                            job,
                            letter.get().attempts(),
                            letter.get().lastRunState(),
                            letter.get().lastRunMessage());
                    arguments.forEach((k, v) -> System.out.printf("           %-18s %s%n", k, v));
                    continue;
                }
                String runId = glue.startJobRun(b -> b.jobName(job).arguments(arguments))
                        .jobRunId();
                sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
                started++;
                System.out.printf(
                        "  done   window %s: run %s started%n", letter.get().windowId(), runId);
            }
        }
        System.out.printf(
                "%nredrive glue %s: %d runs started, %d refused, %d duplicate windows, %d messages skipped%s%n",
                execute ? "executed" : "dry run",
                started,
                refused,
                duplicates,
                skipped,
                execute ? "" : "; pass --execute to act");
        return refused == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
    }
}
