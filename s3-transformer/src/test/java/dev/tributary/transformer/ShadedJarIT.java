package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.LambdaLayers;
import dev.tributary.toolkit.SamTemplate;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deployable artifact, not the build's classpath: the shaded jar and the common layer's jars alone (what Lambda
 * puts on the class path: the function's code, then the template's layer in /opt/java/lib), plus a one-class
 * launcher, transform a real notification. Catches a class, service file or resource (ua-parser's regexes, the
 * schemas, the default enrichment) that shading lost or filtered out, or that neither the package nor the layer has.
 */
class ShadedJarIT {
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void shadedJar_whenRunWithOnlyTheLayerOnARealNotification_transformsTheObject() throws Exception {
        Path jar = Path.of("target", "s3-transformer.jar");
        assertThat(jar).exists();
        bed.produce(List.of(
                S3TransformerIT.pageView("pv-1", "2026-11-22T10:01:00Z", "u-1"),
                S3TransformerIT.pageView("pv-2", "2026-11-22T10:02:00Z", "u-2")));
        Path event = Files.createTempFile("event-", ".json");
        Files.writeString(event, bed.sqsEvent(bed.objectNotifications(1)));
        String launcher = Path.of("target", "test-classes").toAbsolutePath().toString();
        String java = ProcessHandle.current().info().command().orElse("java");

        List<String> classpath = new ArrayList<>();
        classpath.add(jar.toAbsolutePath().toString());
        LambdaLayers.classpath(SamTemplate.locate(), "S3TransformerFunction").forEach(p -> classpath.add(p.toString()));
        classpath.add(launcher);

        ProcessBuilder process = new ProcessBuilder(
                        java,
                        "-cp",
                        String.join(File.pathSeparator, classpath),
                        "dev.tributary.transformer.ShadedJarLauncher",
                        event.toString())
                .redirectErrorStream(true);
        Map<String, String> env = process.environment();
        env.putAll(bed.environment(Map.of()));
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Files.deleteIfExists(event);

        assertThat(running.exitValue()).as(output).isZero();
        String rawKey = bed.rawKeys().getFirst();
        assertThat(bed.metadata(rawKey).get("status").s()).isEqualTo("PROCESSED");
        assertThat(bed.processedRecords(rawKey))
                .hasSize(2)
                .allSatisfy(r ->
                        assertThat(r.at("/user_agent/device_class").asText()).isEqualTo("phone"));
        assertThat(output).contains("object transformed").doesNotContain(TransformerTestBed.PII_KEY);
    }
}
