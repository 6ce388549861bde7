package dev.tributary.devkit;

import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** Starts LocalStack through Testcontainers; kept apart so nothing loads Testcontainers unless Docker is wanted. */
final class LocalStack {
    private LocalStack() {}

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it afterwards
    static URI start(String image, String authToken) {
        try {
            LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(image))
                    .withServices("s3", "dynamodb", "sqs", "kinesis", "events");
            if (authToken != null && !authToken.isBlank()) {
                container.withEnv("LOCALSTACK_AUTH_TOKEN", authToken);
            }
            container.start();
            return container.getEndpoint();
        } catch (RuntimeException e) {
            throw new EmulatorUnavailableException(
                    "Docker is available but LocalStack (" + image + ") did not start: " + e.getMessage(), e);
        }
    }
}
