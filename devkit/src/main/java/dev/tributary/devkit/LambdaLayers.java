package dev.tributary.devkit;

import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A function's Lambda layers as its local runtime sees them: the {@code AWS::Serverless::LayerVersion} zips its
 * {@code Layers} name in the SAM template, extracted as Lambda extracts them to {@code /opt}, and the jars of their
 * {@code java/lib} on the class path after the function's own code. "For Java runtimes, layers are extracted to
 * /opt/java/lib" and that path is in the runtime's class path (AWS Lambda Developer Guide, "Packaging your layer
 * content", Table: Layer paths for each Lambda runtime). {@code tributary invoke}, the cold-start harness and the
 * tests that run a shaded jar alone all build the class path here.
 */
public final class LambdaLayers {
    /** Where a layer's Java libraries are inside its zip (and under {@code /opt} in Lambda). */
    public static final String JAVA_LIB = "java/lib/";

    private LambdaLayers() {}

    /**
     * The content zips of the layers {@code functionLogicalId} uses, in the order of its {@code Layers}, each
     * {@code ContentUri} resolved against the template's folder. Only {@code !Ref}s to a LayerVersion of the same
     * template are local; anything else (an ARN) cannot be run here and is an error naming it.
     */
    public static List<Path> contentZips(SamTemplate template, Path templatePath, String functionLogicalId) {
        Object layers = template.resource(functionLogicalId).properties().get("Layers");
        List<Path> zips = new ArrayList<>();
        if (!(layers instanceof List<?> list)) {
            return zips;
        }
        for (Object layer : list) {
            Object ref = SamTemplate.map(layer).get("Ref");
            if (!(ref instanceof String logicalId)) {
                throw new IllegalArgumentException(functionLogicalId + " uses layer " + layer
                        + ", which is not a !Ref to an AWS::Serverless::LayerVersion of the template");
            }
            SamTemplate.Resource resource = template.resource(logicalId);
            Object contentUri = resource.properties().get("ContentUri");
            if (!"AWS::Serverless::LayerVersion".equals(resource.type()) || !(contentUri instanceof String uri)) {
                throw new IllegalArgumentException(
                        logicalId + " is not an AWS::Serverless::LayerVersion with a local" + " ContentUri");
            }
            zips.add(templatePath.toAbsolutePath().getParent().resolve(uri).normalize());
        }
        return zips;
    }

    /** The class path the layers add: {@link #javaLibraries} of each zip in turn. */
    public static List<Path> classpath(List<Path> zips) {
        return zips.stream().flatMap(zip -> javaLibraries(zip).stream()).toList();
    }

    /**
     * The jars of one layer zip's {@code java/lib}, sorted by name, extracted once per content (a folder named after
     * the zip's SHA-256 under {@code java.io.tmpdir/tributary-layers}, so a rebuilt zip is extracted anew and
     * concurrent runs share a finished copy).
     *
     * @throws IllegalStateException when the zip is missing (how to build it) or has no jars under java/lib
     */
    public static List<Path> javaLibraries(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(
                    "no layer zip " + zip + "; build it: ./mvnw -B -ntp -o -DskipTests" + " package -pl layer -am");
        }
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "tributary-layers");
        Path target = root.resolve(sha256(zip).substring(0, 24));
        if (!Files.isDirectory(target)) {
            extract(zip, root, target);
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(target.resolve(JAVA_LIB))) {
            jars = files.filter(p -> p.toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target.resolve(JAVA_LIB), e);
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("layer zip " + zip + " has no jars under " + JAVA_LIB);
        }
        return jars;
    }

    private static void extract(Path zip, Path root, Path target) {
        try {
            Files.createDirectories(root);
            Path staging = Files.createTempDirectory(root, "extracting-");
            Files.createDirectories(staging.resolve(JAVA_LIB));
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IllegalStateException(
                                "layer zip " + zip + " has an entry outside its root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                delete(staging); // another run finished the same content first
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                delete(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract layer zip " + zip, e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Convenience for callers holding only a template path: {@link #contentZips} then {@link #classpath}. */
    public static List<Path> classpath(Path templatePath, String functionLogicalId) {
        return classpath(contentZips(SamTemplate.load(templatePath), templatePath, functionLogicalId));
    }
}
