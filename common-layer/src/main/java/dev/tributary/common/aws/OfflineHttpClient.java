package dev.tributary.common.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An {@link SdkHttpClient} that never opens a socket: it answers, in-process and at once, the S3, DynamoDB and SQS
 * calls the functions make, with responses valid enough that the SDK accepts them.
 *
 * <p>Two uses. <b>Priming</b>: before a SnapStart snapshot a handler runs a synthetic batch through clients built on
 * this, so the snapshot holds loaded, initialised and partly compiled SDK code, without side effects or IAM
 * permissions. <b>Benchmarks</b>: everything the SDK does per call (marshalling, signing, checksums, response
 * parsing and validation) is measured; the network is not.
 *
 * <p>What it emulates, and only that:
 * <ul>
 *   <li>S3 {@code PutObject}: 200 with an ETag, or 412 when {@code If-None-Match: *} names a key it has seen (when
 *       {@link #rememberingObjects remembering}); {@code HeadObject}: the stored SHA-256, or 404.</li>
 *   <li>DynamoDB (any operation): {@code {}} with the {@code x-amz-crc32} header the SDK verifies.</li>
 *   <li>SQS {@code SendMessage} (JSON protocol): a message id and the MD5s of the body and attributes, which the
 *       SDK checks against what it sent.</li>
 * </ul>
 * The request body is always read to its end, because producing it (and any checksum computed while streaming)
 * is work the SDK does for a real request.
 */
public final class OfflineHttpClient implements SdkHttpClient {
    private static final String DYNAMODB_TARGET_PREFIX = "DynamoDB_";
    private static final String SQS_TARGET_PREFIX = "AmazonSQS.";

    private final boolean rememberObjects;
    private final Map<String, String> objectChecksums = new ConcurrentHashMap<>();

    private OfflineHttpClient(boolean rememberObjects) {
        this.rememberObjects = rememberObjects;
    }

    /** Every PUT creates: the common path of a batch written for the first time. */
    public static OfflineHttpClient forgetful() {
        return new OfflineHttpClient(false);
    }

    /** A PUT with {@code If-None-Match: *} to a key written before gets 412: the path of a retried batch. */
    public static OfflineHttpClient rememberingObjects() {
        return new OfflineHttpClient(true);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return answer(request.httpRequest(), request.contentStreamProvider());
            }

            @Override
            public void abort() {}
        };
    }

    @Override
    public String clientName() {
        return "Offline";
    }

    @Override
    public void close() {}

    private HttpExecuteResponse answer(SdkHttpRequest request, Optional<ContentStreamProvider> content)
            throws IOException {
        String target = request.firstMatchingHeader("X-Amz-Target").orElse("");
        if (target.startsWith(SQS_TARGET_PREFIX)) {
            return sqs(
                    target.substring(SQS_TARGET_PREFIX.length()),
                    content.isPresent() ? drain(content.get()) : new byte[0]);
        }
        if (content.isPresent()) {
            try (InputStream in = content.get().newStream()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        if (target.startsWith(DYNAMODB_TARGET_PREFIX)) {
            return json("application/x-amz-json-1.0", "{}", true);
        }
        return s3(request);
    }

    private HttpExecuteResponse s3(SdkHttpRequest request) {
        String key = request.host() + request.encodedPath();
        String checksum = request.firstMatchingHeader("x-amz-checksum-sha256").orElse(null);
        if (request.method() == SdkHttpMethod.HEAD) {
            String stored = objectChecksums.get(key);
            if (stored == null) {
                return response(404, Map.of(), new byte[0]);
            }
            return response(
                    200,
                    Map.of("ETag", "\"" + etagOf(key) + "\"", "x-amz-checksum-sha256", stored, "Content-Length", "0"),
                    new byte[0]);
        }
        if (request.method() == SdkHttpMethod.PUT) {
            boolean onlyIfAbsent = request.firstMatchingHeader("If-None-Match").isPresent();
            if (rememberObjects && onlyIfAbsent && objectChecksums.containsKey(key)) {
                String error = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code>"
                        + "<Message>At least one of the pre-conditions you specified did not hold</Message>"
                        + "<Condition>If-None-Match</Condition><RequestId>OFFLINE</RequestId><HostId>OFFLINE</HostId>"
                        + "</Error>";
                return response(412, Map.of("Content-Type", "application/xml"), error.getBytes(StandardCharsets.UTF_8));
            }
            if (rememberObjects) {
                objectChecksums.put(key, checksum == null ? "" : checksum);
            }
            return response(
                    200,
                    checksum == null
                            ? Map.of("ETag", "\"" + etagOf(key) + "\"", "Content-Length", "0")
                            : Map.of(
                                    "ETag",
                                    "\"" + etagOf(key) + "\"",
                                    "x-amz-checksum-sha256",
                                    checksum,
                                    "Content-Length",
                                    "0"),
                    new byte[0]);
        }
        return response(200, Map.of("Content-Length", "0"), new byte[0]);
    }

    private HttpExecuteResponse sqs(String operation, byte[] body) {
        if (!operation.equals("SendMessage")) {
            return json("application/x-amz-json-1.0", "{}", false);
        }
        JsonNode request;
        try {
            request = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder answer = new StringBuilder("{\"MessageId\":\"")
                .append(UUID.randomUUID())
                .append("\",\"MD5OfMessageBody\":\"")
                .append(md5Hex(request.path("MessageBody").asText().getBytes(StandardCharsets.UTF_8)))
                .append('"');
        JsonNode attributes = request.path("MessageAttributes");
        if (attributes.isObject() && !attributes.isEmpty()) {
            answer.append(",\"MD5OfMessageAttributes\":\"")
                    .append(attributesMd5(attributes))
                    .append('"');
        }
        return json("application/x-amz-json-1.0", answer.append('}').toString(), false);
    }

    /**
     * SQS' digest of message attributes: for each attribute in name order, the length-prefixed name, data type,
     * a transport byte (1 string, 2 binary) and the length-prefixed value.
     */
    static String attributesMd5(JsonNode attributes) {
        List<String> names = new ArrayList<>();
        attributes.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        MessageDigest md5 = md5();
        for (String name : names) {
            JsonNode attribute = attributes.get(name);
            lengthPrefixed(md5, name.getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(md5, attribute.path("DataType").asText().getBytes(StandardCharsets.UTF_8));
            if (attribute.has("BinaryValue")) {
                md5.update((byte) 2);
                lengthPrefixed(
                        md5,
                        java.util.Base64.getDecoder()
                                .decode(attribute.get("BinaryValue").asText()));
            } else {
                md5.update((byte) 1);
                lengthPrefixed(md5, attribute.path("StringValue").asText().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void lengthPrefixed(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static HttpExecuteResponse json(String contentType, String text, boolean withCrc32) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new java.util.HashMap<>(Map.of(
                "Content-Type",
                contentType,
                "Content-Length",
                Integer.toString(bytes.length),
                "x-amzn-RequestId",
                "OFFLINE"));
        if (withCrc32) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            headers.put("x-amz-crc32", Long.toString(crc.getValue()));
        }
        return response(200, headers, bytes);
    }

    private static HttpExecuteResponse response(int status, Map<String, String> headers, byte[] body) {
        SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(status);
        headers.forEach(response::putHeader);
        return HttpExecuteResponse.builder()
                .response(response.build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                .build();
    }

    private static byte[] drain(ContentStreamProvider provider) throws IOException {
        try (InputStream in = provider.newStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static String etagOf(String key) {
        return md5Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String md5Hex(byte[] bytes) {
        return HexFormat.of().formatHex(md5().digest(bytes));
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
