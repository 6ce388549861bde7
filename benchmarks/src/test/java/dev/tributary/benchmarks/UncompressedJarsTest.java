package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncompressedJarsTest {
    @TempDir
    Path dir;

    @Test
    void copy_whenGivenDeflatedJars_writesTheSameEntriesInTheSameOrderAllStored() throws Exception {
        // A real deflated jar of the build: the one that holds the Lambda core interfaces.
        Path jar = Path.of(com.amazonaws.services.lambda.runtime.RequestHandler.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(entries(jar)).anyMatch(entry -> entry.getMethod() == ZipEntry.DEFLATED);

        List<String> copies = UncompressedJars.copy(List.of(jar.toString()), dir.resolve("stored"));

        Path copy = Path.of(copies.getFirst());
        assertThat(copy.getFileName()).isEqualTo(jar.getFileName());
        assertThat(entries(copy))
                .extracting(ZipEntry::getName)
                .containsExactlyElementsOf(
                        entries(jar).stream().map(ZipEntry::getName).toList());
        assertThat(entries(copy)).allMatch(entry -> entry.getMethod() == ZipEntry.STORED);
        try (ZipFile original = new ZipFile(jar.toFile());
                ZipFile stored = new ZipFile(copy.toFile())) {
            for (ZipEntry entry : Collections.list(original.entries())) {
                assertThat(bytes(stored, stored.getEntry(entry.getName())))
                        .as(entry.getName())
                        .isEqualTo(bytes(original, entry));
            }
        }
        // And a JVM loads classes from it.
        try (URLClassLoader loader =
                new URLClassLoader(new java.net.URL[] {copy.toUri().toURL()}, null)) {
            assertThat(loader.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler")
                            .getClassLoader())
                    .isSameAs(loader);
        }
    }

    private static List<ZipEntry> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return new ArrayList<>(Collections.list(zip.entries()));
        }
    }

    private static byte[] bytes(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
