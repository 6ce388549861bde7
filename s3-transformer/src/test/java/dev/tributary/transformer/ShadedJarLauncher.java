package dev.tributary.transformer;

import java.io.FileInputStream;
import java.io.InputStream;

/**
 * Runs the handler the way Lambda does, from the shaded jar alone: {@code java -cp s3-transformer.jar:<this class>
 * dev.tributary.transformer.ShadedJarLauncher event.json}. Configuration comes from the environment.
 */
public final class ShadedJarLauncher {
    private ShadedJarLauncher() {}

    public static void main(String[] args) throws Exception {
        S3TransformerHandler handler = new S3TransformerHandler(); // the runtime's constructor
        try (InputStream event = new FileInputStream(args[0])) {
            handler.handleRequest(event, System.out, null);
        }
    }
}
