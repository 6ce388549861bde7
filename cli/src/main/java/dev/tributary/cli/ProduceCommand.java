package dev.tributary.cli;

import dev.tributary.toolkit.KplAggregator.UserRecord;
import dev.tributary.toolkit.SampleEvents;
import dev.tributary.toolkit.StreamProducer;
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
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** {@code tributary produce}: load a stream at a target rate. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description =
                "Sends events to a Kinesis stream (real AWS with the standard credential chain, or an emulator) at a target rate, for a duration or a count: generated sample events of every type, or the lines of a JSON Lines file. Batches with PutRecords (500 records or 5 MB), optionally packs events into KPL-aggregated records (--kpl-aggregate), retries partially failed entries with exponential backoff, and ends with a summary: sent, retried, failed, achieved rate.")
final class ProduceCommand implements Callable<Integer> {
    static final int MAX_BATCH_RECORDS = 500;

    @Mixin
    AwsOptions aws = new AwsOptions();

    @Option(
            names = {"-s", "--stream"},
            required = true,
            description = "Stream name.")
    String stream;

    @Option(
            names = {"-r", "--rate"},
            defaultValue = "1000",
            description = "Target events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @ArgGroup(exclusive = true)
    Limit limit = new Limit();

    static final class Limit {
        @Option(
                names = {"-n", "--count"},
                description = "Events to send (default: 10000 unless --duration).")
        Long count;

        @Option(
                names = {"-d", "--duration"},
                converter = DurationConverter.class,
                description = "How long to send, e.g. 60s, 5m, 1h (ISO-8601 PT1M also works).")
        Duration duration;
    }

    @Option(
            names = {"-f", "--file"},
            description = "JSON Lines file to send, one event per line (default: generated events).")
    Path file;

    @Option(
            names = "--invalid-share",
            defaultValue = "0",
            description = "Share of deliberately invalid generated events (default: ${DEFAULT-VALUE}).")
    double invalidShare;

    @Option(
            names = "--max-attempts",
            defaultValue = "8",
            description = "Attempts per record before it counts as failed (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed for generated events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--kpl-aggregate",
            description =
                    "Pack the events into KPL-aggregated Kinesis records, as the Kinesis Producer Library does (magic bytes, protobuf AggregatedRecord, MD5), up to --kpl-max-bytes each.")
    boolean kplAggregate;

    @Option(
            names = "--kpl-share",
            description =
                    "With --kpl-aggregate: share of the events (in runs of 200, as from separate producers) that are aggregated; the rest are sent as plain records (default: 1).")
    Double kplShare;

    @Option(
            names = "--kpl-max-bytes",
            defaultValue = "51200",
            description = "Largest aggregate in bytes, the KPL's AggregationMaxSize (default: ${DEFAULT-VALUE}).")
    int kplMaxBytes;

    @Mixin
    OutputOptions output = new OutputOptions();

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive, not " + rate);
        }
        if (kplShare != null && !kplAggregate) {
            throw new IllegalArgumentException("--kpl-share needs --kpl-aggregate");
        }
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read --file " + file);
        }
        Duration duration = limit.duration;
        long count = limit.count != null ? limit.count : duration == null ? 10_000 : Long.MAX_VALUE;
        try (KinesisClient kinesis =
                        aws.clients().configure(KinesisClient.builder()).build();
                Stream<String> lines = file == null ? null : Files.lines(file, StandardCharsets.UTF_8)) {
            Iterator<String> source = lines != null
                    ? lines.filter(line -> !line.isBlank()).iterator()
                    : generated(new SampleEvents(seed, invalidShare, Instant.now()));
            double share = kplAggregate ? (kplShare == null ? 1.0 : kplShare) : 0;
            Producer producer =
                    new Producer(kinesis, stream, new StreamProducer.Settings(share, kplMaxBytes, maxAttempts, seed));
            Summary summary = producer.run(
                    source,
                    count,
                    duration,
                    rate,
                    new ProgressBar(
                            err, "produce", count == Long.MAX_VALUE ? (long) rate * duration.toSeconds() : count));
            if (output.json()) {
                OutputOptions.print(summary.json(stream));
            } else {
                System.out.println(summary.render());
            }
            return summary.failed == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
        }
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        IllegalArgumentException bad =
                new IllegalArgumentException("not a duration: '" + text + "' (use 30s, 5m, 1h or ISO-8601 PT1M)");
        Duration parsed;
        try {
            if (t.startsWith("pt")) {
                parsed = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            } else if (!t.matches("[0-9]{1,9}[smh]?")) {
                throw bad;
            } else {
                long amount = Long.parseLong(t.replaceAll("[a-z]+$", ""));
                parsed = switch (t.replaceAll("^[0-9]+", "")) {
                    case "", "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
        } catch (java.time.format.DateTimeParseException e) {
            throw bad;
        }
        if (parsed.isZero() || parsed.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive: '" + text + "'");
        }
        return parsed;
    }

    /** Lets picocli report a bad {@code --duration} as a usage error naming the option. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
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
        long kinesisRecords;
        long aggregates;
        long aggregated;
        double seconds;

        /** The summary as JSON; the fields are listed in README ("The tributary command"). */
        com.fasterxml.jackson.databind.node.ObjectNode json(String stream) {
            var json = OutputOptions.object();
            json.put("stream", stream);
            json.put("sent", sent);
            json.put("retried", retried);
            json.put("failed", failed);
            json.put("put_records_calls", batches);
            json.put("kinesis_records", kinesisRecords);
            json.put("kpl_aggregates", aggregates);
            json.put("kpl_aggregated_events", aggregated);
            json.put("seconds", Math.round(seconds * 1000) / 1000.0);
            json.put("events_per_second", Math.round(sent / Math.max(seconds, 1e-3)));
            return json;
        }

        String render() {
            return String.format(
                    "%nproduce: %,d sent, %,d retried, %,d failed in %,d PutRecords calls; %.1f s, %,.0f events/s achieved%s",
                    sent,
                    retried,
                    failed,
                    batches,
                    seconds,
                    sent / Math.max(seconds, 1e-3),
                    aggregates == 0
                            ? ""
                            : String.format(
                                    "%n         %,d Kinesis records, %,d of them KPL aggregates "
                                            + "holding %,d user records (%.1f per aggregate)",
                                    kinesisRecords, aggregates, aggregated, aggregated / (double) aggregates));
        }
    }

    /** Sends records through toolkit's {@link StreamProducer}, 500 user records at a time, paced to a rate. */
    static final class Producer {
        private final StreamProducer stream;
        private long partitionKey;

        Producer(KinesisClient kinesis, String stream, StreamProducer.Settings settings) {
            this.stream = new StreamProducer(kinesis, stream, settings);
        }

        Summary run(Iterator<String> source, long count, Duration duration, int rate, ProgressBar progress) {
            Summary summary = new Summary();
            long started = System.nanoTime();
            long deadline = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
            long taken = 0;
            while (taken < count && source.hasNext() && System.nanoTime() < deadline) {
                List<UserRecord> chunk = new ArrayList<>();
                while (taken < count && source.hasNext() && chunk.size() < MAX_BATCH_RECORDS) {
                    chunk.add(new UserRecord(
                            Long.toString(partitionKey++), source.next().getBytes(StandardCharsets.UTF_8)));
                    taken++;
                }
                stream.send(chunk, accepted -> {});
                progress.update(taken);
                pace(started, taken, rate);
            }
            StreamProducer.Tally tally = stream.tally();
            summary.sent = tally.userRecords;
            summary.retried = tally.retried;
            summary.failed = tally.failed;
            summary.batches = tally.calls;
            summary.kinesisRecords = tally.kinesisRecords;
            summary.aggregates = tally.aggregates;
            summary.aggregated = tally.aggregatedUserRecords;
            summary.seconds = (System.nanoTime() - started) / 1e9;
            return summary;
        }

        private static void pace(long started, long sent, int rate) {
            long due = started + (long) (sent * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }
}
