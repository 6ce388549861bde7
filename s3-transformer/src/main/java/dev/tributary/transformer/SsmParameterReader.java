package dev.tributary.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

/**
 * Reads one SSM parameter (a SecureString, decrypted) with a single signed {@code GetParameter} call.
 *
 * <p>Why not the SDK's SSM client: its jar is 6.1 MB, more than half of the function's 10 MB budget, for one call
 * made once per container. This is that call (AWS JSON 1.1 protocol, SigV4 with the SDK's own signer, the function's
 * shared HTTP client and credentials) in a page of code. The AWS Parameters and Secrets Lambda Extension would also
 * avoid the jar, but adds a layer to deploy and does not run against a local emulator.
 *
 * <p>The value is returned, never logged, and never put into an exception message.
 */
final class SsmParameterReader {
    private static final int ATTEMPTS = 3;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final URI endpoint;

    /**
     * @param endpoint an emulator endpoint; empty for {@code https://ssm.<region>.amazonaws.com}
     */
    SsmParameterReader(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, Optional<URI> endpoint) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint.orElseGet(() -> URI.create("https://ssm." + region.id() + "."
                + (region.id().startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com")));
    }

    /**
     * The decrypted value of parameter {@code name} and its version.
     *
     * @throws IOException naming the parameter and the service's error code when it cannot be read
     */
    PiiKeys.Parameter read(String name) throws IOException {
        byte[] body = Json.mapper()
                .createObjectNode()
                .put("Name", name)
                .put("WithDecryption", true)
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return call(name, body);
            } catch (RetryableCall e) {
                last = e;
                try {
                    Thread.sleep(100L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted reading SSM parameter " + name, interrupted);
                }
            }
        }
        throw last;
    }

    private PiiKeys.Parameter call(String name, byte[] body) throws IOException {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint.resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonSSM.GetParameter")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(credentials.resolveCredentials())
                        .request(request)
                        .payload(() -> new ByteArrayInputStream(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        HttpExecuteResponse response;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(signed.request())
                            .contentStreamProvider(signed.payload().orElse(null))
                            .build())
                    .call();
        } catch (IOException e) {
            throw new RetryableCall("SSM GetParameter for " + name + " failed: " + e.getMessage());
        }
        int status = response.httpResponse().statusCode();
        JsonNode json;
        try (InputStream in = response.responseBody().orElse(null)) {
            json = in == null ? null : Json.mapper().readTree(in.readAllBytes());
        }
        if (status == 200
                && json != null
                && json.path("Parameter").path("Value").isTextual()) {
            // "Version: The parameter version." (SSM API reference, Parameter): 1 when created, +1 per overwrite.
            return new PiiKeys.Parameter(
                    json.path("Parameter").path("Value").textValue(),
                    json.path("Parameter").path("Version").asLong(0));
        }
        String type = json == null ? "" : json.path("__type").asText("");
        String code = type.substring(type.indexOf('#') + 1);
        String message =
                "SSM GetParameter for " + name + " failed: HTTP " + status + (code.isEmpty() ? "" : " " + code);
        if (status >= 500 || code.contains("Throttl")) {
            throw new RetryableCall(message);
        }
        throw new IOException(message);
    }

    private static final class RetryableCall extends IOException {
        private static final long serialVersionUID = 1L;

        RetryableCall(String message) {
            super(message);
        }
    }
}
