package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processor handles the largest batch Lambda can deliver within the template's memory and timeout (the contract,
 * docs/contracts.md): a 6 MB invocation payload of ~1.1 KB events, and 10,000 records (the largest BatchSize) of
 * the smallest valid ones (as many as fit, about 8,800: the payload binds before BatchSize). Each runs cold in a JVM of its own whose heap is half the function's MemorySize (the rest is left to
 * metaspace, code cache, thread stacks and the runtime's buffers), with the serial collector and one CPU, as a
 * 1,024 MB function has 0.58 of a vCPU. The bound is the process's CPU time (JVM start, class loading, JIT, GC
 * included) scaled to that share: at most half the Timeout. The S3, DynamoDB and SQS calls are answered in-process
 * (OfflineHttpClient), so the time excludes the network, which the other half of the timeout is for.
 */
class LargestBatchTest {
    private static final SamTemplate.Resource FUNCTION =
            SamTemplate.load(SamTemplate.locate()).resource("KinesisProcessorFunction");

    @ParameterizedTest
    @ValueSource(strings = {"kilobyte", "small"})
    void handle_whenLargestBatchLambdaDelivers_fitsAQuarterOfTheMemoryAndHalfTheTimeout(String kind) throws Exception {
        int memoryMb = Integer.parseInt(FUNCTION.properties().get("MemorySize").toString());
        int timeoutSeconds =
                Integer.parseInt(FUNCTION.properties().get("Timeout").toString());
        long heapBytes = memoryMb / 2 * 1024L * 1024;

        Process process = new ProcessBuilder(
                        javaBinary(),
                        "-Xmx" + heapBytes,
                        "-XX:+UseSerialGC",
                        "-XX:ActiveProcessorCount=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LargestBatchRun.class.getName(),
                        kind)
                .redirectErrorStream(false)
                .start();
        process.getOutputStream().close();
        // Wall time is not the bound (other builds share the cores): CPU time is, below. The wait only stops a hang.
        assertThat(process.waitFor(10L * timeoutSeconds, TimeUnit.SECONDS))
                .as("finished")
                .isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit status; stderr: " + err).isZero();
        String[] lastLine = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
        long records = Long.parseLong(lastLine[0]);
        long payload = Long.parseLong(lastLine[1]);
        long millis = Long.parseLong(lastLine[2]);
        long failures = Long.parseLong(lastLine[3]);
        long peakHeap = Long.parseLong(lastLine[4]);
        long cpuMillis = Long.parseLong(lastLine[5]);
        // Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU.
        double vcpus = Math.min(1.0, memoryMb / 1769.0);
        long lambdaMillis = Math.round(cpuMillis / vcpus);
        System.out.printf(
                "largest batch (%s): %,d records, %,d bytes, wall %,d ms (machine load %s), process CPU "
                        + "%,d ms = %,d ms at %.2f vCPU, peak heap %,d MB of %,d MB%n",
                kind,
                records,
                payload,
                millis,
                java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim(),
                cpuMillis,
                lambdaMillis,
                vcpus,
                peakHeap >> 20,
                heapBytes >> 20);

        assertThat(payload).isLessThanOrEqualTo(LargestBatchRun.MAX_PAYLOAD_BYTES);
        if (kind.equals("kilobyte")) {
            assertThat(payload)
                    .as("within one record of the quota")
                    .isGreaterThan(LargestBatchRun.MAX_PAYLOAD_BYTES - 2_200);
            assertThat(records).isGreaterThan(BenchmarkBatch.FULL_BATCH_RECORDS);
        } else {
            assertThat(records).isBetween(8_000L, (long) LargestBatchRun.MAX_RECORDS);
        }
        assertThat(failures).as("batch item failures").isZero();
        assertThat(lambdaMillis)
                .as("cold JVM's CPU at the function's vCPU share")
                .isLessThan(timeoutSeconds * 1000L / 2);
        assertThat(peakHeap).as("peak heap: at most a quarter of MemorySize").isLessThan(heapBytes / 2);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
