package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold-start harness's smoke run: one fresh execution environment of the processor under the real Runtime
 * Interface Emulator, handling its 100-record event against the emulator (moto), with the figures split the way
 * docs/performance.md reports them. scripts/bench.sh runs the full measurement.
 */
class ColdStartHarnessIT {
    @TempDir
    Path dir;

    @Test
    void main_whenOneRunOfTrivialAndProcessorWithItsLayer_recordsInitFirstEventAndMemoryFromTheRealEmulator()
            throws Exception {
        Path out = dir.resolve("cold-start.json");
        Path jar = Path.of("../kinesis-processor/target/kinesis-processor.jar");
        assertThat(jar)
                .as("the processor's shaded jar (the reactor builds it before benchmarks)")
                .isRegularFile();

        // trivial too: its classpath is the runtime alone, so a missing RIC dependency kills it (HTTP 502).
        ColdStartHarness.main(new String[] {
            "--runs", "1", "--variants", "trivial,processor", "--function-jar", jar.toString(), "--out", out.toString()
        });

        JsonNode variants = Json.mapper().readTree(out.toFile()).path("variants");
        assertThat(variants.path("trivial").path("total_ms").get(0).asDouble()).isPositive();
        JsonNode processor = variants.path("processor");
        double total = processor.path("total_ms").get(0).asDouble();
        double init = processor.path("init_ms").get(0).asDouble();
        double first = processor.path("first_event_ms").get(0).asDouble();
        assertThat(init).isPositive();
        assertThat(first).isPositive();
        assertThat(total).isGreaterThanOrEqualTo(init + first);
        assertThat(processor.path("max_memory_mb").get(0).asLong()).isBetween(32L, 1024L);
        assertThat(processor.path("classes_loaded").asInt()).isPositive();
        // As deployed: the function's jar holds none of common-layer; its classes come from the layer's java/lib.
        assertThat(Json.mapper().readTree(out.toFile()).path("layer_zip_bytes").asLong())
                .isPositive();
        assertThat(Files.readAllLines(dir.resolve("cold-start-logs/processor.classes.log")))
                .filteredOn(line -> line.contains(" dev.tributary.common.") && line.contains(" source: file:"))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("tributary-layers", "/java/lib/common-layer-"));
        assertThat(processor.path("handler_class_loaded_at_ms").asDouble()).isPositive();
        assertThat(Files.readString(dir.resolve("cold-start-logs/processor.log")))
                .contains("START RequestId:", "\"message\":\"batch processed\"", "REPORT RequestId:");
    }
}
