package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LambdaLayersTest {

    @Nested
    class ContentZips {
        @Test
        void contentZips_whenEveryFunctionOfTheTemplate_isTheCommonLayerZip() {
            Path templatePath = SamTemplate.locate();
            SamTemplate template = SamTemplate.load(templatePath);
            Path expected = templatePath
                    .getParent()
                    .resolve("../layer/target/common-layer.zip")
                    .normalize();

            for (SamTemplate.Resource function : template.resources("AWS::Serverless::Function")) {
                assertThat(LambdaLayers.contentZips(template, templatePath, function.logicalId()))
                        .as(function.logicalId())
                        .containsExactly(expected);
            }
        }

        @Test
        void contentZips_whenLayerIsAnArn_failsNamingIt(@TempDir Path dir) throws IOException {
            Path templatePath = dir.resolve("template.yaml");
            Files.writeString(templatePath, """
                    Resources:
                      Fn:
                        Type: AWS::Serverless::Function
                        Properties:
                          Layers: [arn:aws:lambda:us-east-1:123456789012:layer:x:1]
                    """);

            assertThatThrownBy(() -> LambdaLayers.contentZips(SamTemplate.load(templatePath), templatePath, "Fn"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("arn:aws:lambda:us-east-1:123456789012:layer:x:1");
        }
    }

    @Nested
    class JavaLibraries {
        @Test
        void javaLibraries_whenZipHasJavaLib_extractsItsJarsSortedAndSkipsTheRest(@TempDir Path dir)
                throws IOException {
            Path zip = zip(dir.resolve("layer.zip"), "java/lib/b.jar", "java/lib/a.jar", "python/x.py");

            List<Path> jars = LambdaLayers.javaLibraries(zip);

            assertThat(jars).extracting(p -> p.getFileName().toString()).containsExactly("a.jar", "b.jar");
            assertThat(jars).allSatisfy(jar -> assertThat(Files.readString(jar)).startsWith("content of java/lib/"));
        }

        @Test
        void javaLibraries_whenSameContentTwice_reusesTheExtractedFolder(@TempDir Path dir) throws IOException {
            Path zip = zip(dir.resolve("layer.zip"), "java/lib/only.jar");

            assertThat(LambdaLayers.javaLibraries(zip)).isEqualTo(LambdaLayers.javaLibraries(zip));
        }

        @Test
        void javaLibraries_whenZipRebuiltWithOtherContent_seesTheNewJars(@TempDir Path dir) throws IOException {
            Path zip = zip(dir.resolve("layer.zip"), "java/lib/old-" + System.nanoTime() + ".jar");
            LambdaLayers.javaLibraries(zip);
            zip(zip, "java/lib/new-" + System.nanoTime() + ".jar");

            assertThat(LambdaLayers.javaLibraries(zip))
                    .singleElement()
                    .satisfies(jar -> assertThat(jar.getFileName().toString()).startsWith("new-"));
        }

        @Test
        void javaLibraries_whenNoJarUnderJavaLib_failsNamingTheZip(@TempDir Path dir) throws IOException {
            Path zip = zip(dir.resolve("empty-" + System.nanoTime() + ".zip"), "lib/a.jar");

            assertThatThrownBy(() -> LambdaLayers.javaLibraries(zip))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(zip.toString())
                    .hasMessageContaining("java/lib/");
        }

        @Test
        void javaLibraries_whenZipMissing_saysHowToBuildIt(@TempDir Path dir) {
            assertThatThrownBy(() -> LambdaLayers.javaLibraries(dir.resolve("absent.zip")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("-pl layer -am");
        }
    }

    private static Path zip(Path zip, String... entries) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (String entry : entries) {
                out.putNextEntry(new ZipEntry(entry));
                out.write(("content of " + entry).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }
}
