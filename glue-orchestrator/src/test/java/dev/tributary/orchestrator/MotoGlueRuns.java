package dev.tributary.orchestrator;

import dev.tributary.devkit.AwsEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Control of moto's Glue job runs, which the Glue API cannot give: moto moves a run STARTING → RUNNING → SUCCEEDED,
 * by default the moment it is read. {@link #useManualProgression} makes every read ({@code GetJobRun},
 * {@code GetJobRuns}) move it one state on, so tests decide when Glue "finishes" a run (see
 * {@link OrchestratorTestBed}).
 */
final class MotoGlueRuns {
    private MotoGlueRuns() {}

    /** moto's state manager: {@code glue::job_run} progresses {@code manual, times = 1}. */
    static void useManualProgression(AwsEmulator emulator) {
        String body = "{\"model_name\":\"glue::job_run\",\"transition\":{\"progression\":\"manual\",\"times\":1}}";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/moto-api/state-manager/set-transition"))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("moto state manager answered " + response.statusCode()
                        + " (is the emulator moto? Glue ITs need moto)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
