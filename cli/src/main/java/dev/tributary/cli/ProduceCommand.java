package dev.tributary.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** {@code tributary produce}: load a stream at a target rate. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Sends events to a Kinesis stream (real AWS with the standard credential chain, or an emulator) at a target rate, for a duration or a count: generated sample events of every type, or the lines of a JSON Lines file. Batches with PutRecords (500 records or 5 MB), retries partially failed entries with exponential backoff, and ends with a summary: sent, retried, failed, achieved rate.")
final class ProduceCommand implements Callable<Integer> {
    static final int MAX_BATCH_RECORDS = 500;
    static final int MAX_BATCH_BYTES = 5 * 1024 * 1024;

    @Mixin
    AwsOptions aws = new AwsOptions();

    @Option(names = {"-s", "--stream"}, required = true, description = "Stream name.")
    String stream;

    @Option(names = {"-r", "--rate"}, defaultValue = "1000", description = "Target events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @ArgGroup(exclusive = true)
    Limit limit = new Limit();

    static final class Limit {
        @Option(names = {"-n", "--count"}, description = "Events to send (default: 10000 unless --duration).")
        Long count;

        @Option(names = {"-d", "--duration"}, description = "How long to send, e.g. 60s, 5m (ISO-8601 PT1M also works).")
        String duration;
    }

    @Option(names = {"-f", "--file"}, description = "JSON Lines file to send, one event per line (default: generated events).")
    Path file;

    @Option(names = "--invalid-share", defaultValue = "0", description = "Share of deliberately invalid generated events (default: ${DEFAULT-VALUE}).")
    double invalidShare;

    @Option(names = "--max-attempts", defaultValue = "8", description = "Attempts per record before it counts as failed (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--seed", defaultValue = "7", description = "Seed for generated events (default: ${DEFAULT-VALUE}).")
    long seed;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        Duration duration = limit.duration == null ? null : parseDuration(limit.duration);
        long count = limit.count != null ? limit.count : duration == null ? 10_000 : Long.MAX_VALUE;
        try (KinesisClient kinesis = aws.clients().configure(KinesisClient.builder()).build();
                Stream<String> lines = file == null ? null : Files.lines(file, StandardCharsets.UTF_8)) {
            Iterator<String> source = lines != null
                    ? lines.filter(line -> !line.isBlank()).iterator()
                    : generated(new SampleEvents(seed, invalidShare, Instant.now()));
            Producer producer = new Producer(kinesis, stream, maxAttempts);
            Summary summary = producer.run(source, count, duration, rate,
                    new ProgressBar(err, "produce", count == Long.MAX_VALUE ? (long) rate * duration.toSeconds() : count));
            System.out.println(summary.render());
            return summary.failed == 0 ? 0 : 1;
        }
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
        }
        long amount = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        return switch (t.replaceAll("^[0-9]+", "")) {
            case "", "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("not a duration: " + text + " (use 30s, 5m, 1h)");
        };
    }

    private static Iterator<String> generated(SampleEvents events) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                return events.next(1).getFirst().json();
            }
        };
    }

    /** What a run did. */
    static final class Summary {
        long sent;
        long retried;
        long failed;
        long batches;
        double seconds;

        String render() {
            return String.format("%nproduce: %,d sent, %,d retried, %,d failed in %,d PutRecords calls; %.1f s, %,.0f events/s achieved",
                    sent, retried, failed, batches, seconds, sent / Math.max(seconds, 1e-3));
        }
    }

    /** Sends records in PutRecords batches, paced to a rate, retrying the entries Kinesis refused. */
    static final class Producer {
        private final KinesisClient kinesis;
        private final String stream;
        private final int maxAttempts;
        private final SplittableRandom jitter = new SplittableRandom();
        private long partitionKey;

        Producer(KinesisClient kinesis, String stream, int maxAttempts) {
            this.kinesis = kinesis;
            this.stream = stream;
            this.maxAttempts = maxAttempts;
        }

        Summary run(Iterator<String> source, long count, Duration duration, int rate, ProgressBar progress) {
            Summary summary = new Summary();
            long started = System.nanoTime();
            long deadline = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
            long taken = 0;
            while (taken < count && source.hasNext() && System.nanoTime() < deadline) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                int bytes = 0;
                while (taken < count && source.hasNext() && batch.size() < MAX_BATCH_RECORDS) {
                    byte[] data = source.next().getBytes(StandardCharsets.UTF_8);
                    if (bytes + data.length > MAX_BATCH_BYTES && !batch.isEmpty()) {
                        // Kept for the next batch would need lookahead; the record goes into its own batch instead.
                        send(List.of(entry(data)), summary);
                        taken++;
                        continue;
                    }
                    batch.add(entry(data));
                    bytes += data.length;
                    taken++;
                }
                send(batch, summary);
                progress.update(Math.min(taken, Long.MAX_VALUE));
                pace(started, taken, rate);
            }
            summary.seconds = (System.nanoTime() - started) / 1e9;
            return summary;
        }

        private PutRecordsRequestEntry entry(byte[] data) {
            return PutRecordsRequestEntry.builder()
                    .partitionKey(Long.toString(partitionKey++))
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .build();
        }

        private void send(List<PutRecordsRequestEntry> entries, Summary summary) {
            List<PutRecordsRequestEntry> pending = entries;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<PutRecordsRequestEntry> batch = pending;
                PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(batch));
                summary.batches++;
                List<PutRecordsRequestEntry> refused = new ArrayList<>();
                List<PutRecordsResultEntry> results = response.records();
                for (int i = 0; i < results.size(); i++) {
                    if (results.get(i).errorCode() != null) {
                        refused.add(batch.get(i));
                    }
                }
                summary.sent += batch.size() - refused.size();
                if (refused.isEmpty()) {
                    return;
                }
                if (attempt >= maxAttempts) {
                    summary.failed += refused.size();
                    return;
                }
                summary.retried += refused.size();
                sleep(Math.min(5_000, (long) (50 * Math.pow(2, attempt - 1))) + jitter.nextInt(50));
                pending = refused;
            }
        }

        private static void pace(long started, long sent, int rate) {
            long due = started + (long) (sent * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                sleep(wait / 1_000_000);
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
