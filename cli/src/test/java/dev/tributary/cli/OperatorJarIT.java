package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded {@code tributary-cli.jar}, the one a user runs against real AWS, carries no test infrastructure: no
 * Testcontainers (nor the Docker client it brings), no devkit (emulator, fault proxy, simulators), no demo or
 * {@code invoke} (devtools). An integration test because it reads the jar the package phase built.
 */
class OperatorJarIT {
    private static List<String> entries;

    @BeforeAll
    static void readJar() throws IOException {
        String property = System.getProperty("tributary.operatorJar");
        assertThat(property)
                .as("tributary.operatorJar (set by cli's failsafe configuration)")
                .isNotBlank();
        Path jar = Path.of(property);
        assertThat(jar)
                .as("the shaded operator jar; run through `./mvnw -pl cli -am verify`")
                .isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(ZipEntry::getName).toList();
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(TributaryCli.class.getName());
        }
        assertThat(Files.size(jar)).isPositive();
    }

    @Test
    void jar_whenBuilt_holdsTheOperatorCommandsAndWhatTheyShare() {
        // The negative checks below are only worth something if this is the real jar with the real code in it.
        assertThat(entries)
                .contains(
                        "dev/tributary/cli/TributaryCli.class",
                        "dev/tributary/cli/ProduceCommand.class",
                        "dev/tributary/cli/RedriveCommand.class",
                        "dev/tributary/toolkit/StreamProducer.class",
                        "dev/tributary/processor/KinesisProcessorHandler.class");
    }

    @Test
    void jar_whenBuilt_hasNoTestcontainersDevkitOrDevTools() {
        assertThat(entries)
                .as("Testcontainers, its Docker client, devkit, devtools")
                .noneMatch(name -> name.startsWith("org/testcontainers/")
                        || name.startsWith("com/github/dockerjava/")
                        || name.startsWith("dev/tributary/devkit/")
                        || name.startsWith("dev/tributary/devtools/"));
    }

    @Test
    void jar_whenBuilt_hasNoDemoInvokeOrFaultClasses() {
        assertThat(entries)
                .as("demo, invoke and fault-injection classes")
                .noneMatch(name -> name.startsWith("dev/tributary/")
                        && name.matches(
                                ".*/(Demo|Invoke|Fault|LocalGlueRunner|PipelineStages|AwsEmulator)[^/]*\\.class"));
        assertThat(entries)
                .as("test frameworks")
                .noneMatch(name -> name.startsWith("org/junit/") || name.startsWith("org/assertj/"));
    }
}
