package dev.tributary.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Copies of jars with every entry stored instead of deflated: the same entries, in the same order, with the same
 * bytes. A class loaded from a stored entry is read, not inflated; whether that shortens a cold start is what the
 * {@code processor-stored} variant of {@link ColdStartHarness} measures. A package could ship its jars this way (the
 * layer zip that carries them is compressed as a whole, so the upload barely grows).
 */
final class UncompressedJars {
    private UncompressedJars() {}

    /** Stored copies of {@code jars} in {@code directory}, under the same file names, in the same order. */
    static List<String> copy(List<String> jars, Path directory) throws IOException {
        Files.createDirectories(directory);
        List<String> copies = new ArrayList<>();
        for (String jar : jars) {
            Path copy = directory.resolve(Path.of(jar).getFileName());
            try (ZipFile in = new ZipFile(jar);
                    ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
                out.setMethod(ZipOutputStream.STORED);
                Enumeration<? extends ZipEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    byte[] bytes;
                    try (InputStream data = in.getInputStream(entry)) {
                        bytes = data.readAllBytes();
                    }
                    out.putNextEntry(stored(entry, bytes));
                    out.write(bytes);
                    out.closeEntry();
                }
            }
            copies.add(copy.toAbsolutePath().toString());
        }
        return copies;
    }

    /** A STORED entry must carry its size and CRC before its data (no data descriptor). */
    private static ZipEntry stored(ZipEntry original, byte[] bytes) {
        ZipEntry entry = new ZipEntry(original.getName());
        entry.setMethod(ZipEntry.STORED);
        entry.setTime(original.getTime());
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        return entry;
    }
}
