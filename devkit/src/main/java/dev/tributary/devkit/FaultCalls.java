package dev.tributary.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a request is about, for a {@link FaultSchedule}: its operation and a key that names the same call in every
 * run of a scenario. Two runs differ in their resource names (each deployment gets a random 8-hex-digit id, e.g.
 * {@code demo-59502669-raw-...}) and in the wall-clock hour of {@code failed/} partitions (named by arrival time):
 * both are taken out of the key, so the seed alone decides.
 */
public final class FaultCalls {
    /** A deployment's random id inside a resource name: {@code demo-59502669-…}, {@code kp-noget-3d5bebdb-…}. */
    private static final Pattern RUN_ID = Pattern.compile("(?<=[a-z]-)[0-9a-f]{8}(?=[-./\"]|$)");
    /** {@code failed/} objects are partitioned by the records' arrival in Kinesis: the wall clock. */
    private static final Pattern ARRIVAL_PARTITION = Pattern.compile("failed/dt=\\d{4}-\\d{2}-\\d{2}/hr=\\d{2}/");

    private static final Pattern PART_NUMBER = Pattern.compile("[?&]partNumber=(\\d+)");
    /** Fields of a JSON-protocol request that name what it is about, in the order they make up the key. */
    private static final List<String> NAMING_FIELDS = List.of(
            "TableName", "IndexName", "Key", "QueueUrl", "MessageBody", "Entries", "JobName", "Name", "StreamName");

    private static final ObjectMapper SORTED =
            Json.mapper().copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** A request's operation (e.g. "S3 PUT", "DynamoDB_20120810.UpdateItem") and run-independent key. */
    public record Identity(String operation, String key) {}

    private FaultCalls() {}

    public static Identity of(FaultProxy.Request request, byte[] body) {
        if (request.target().isEmpty()) {
            String operation =
                    "S3 " + request.method() + (request.headers().containsKey("x-amz-copy-source") ? " copy" : "");
            var part = PART_NUMBER.matcher(request.path());
            String key = request.s3Key().isEmpty() ? bucketPath(request.path()) : request.s3Key();
            return new Identity(operation, runIndependent(key + (part.find() ? "#part" + part.group(1) : "")));
        }
        return new Identity(request.target(), runIndependent(jsonKey(body)));
    }

    /** {@code text} without what differs between two runs of the same scenario. */
    public static String runIndependent(String text) {
        return ARRIVAL_PARTITION.matcher(RUN_ID.matcher(text).replaceAll("*")).replaceAll("failed/");
    }

    private static String bucketPath(String path) {
        String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return URLDecoder.decode(withoutQuery, StandardCharsets.UTF_8);
    }

    private static String jsonKey(byte[] body) {
        if (body.length == 0) {
            return "";
        }
        try {
            JsonNode json = Json.mapper().readTree(body);
            List<String> parts = new ArrayList<>();
            for (String field : NAMING_FIELDS) {
                JsonNode value = json == null ? null : json.get(field);
                if (value != null) {
                    // Sorted fields: an SDK may serialize a Map.of in any order, which differs between JVMs.
                    parts.add(field + "="
                            + (value.isTextual()
                                    ? value.asText()
                                    : SORTED.writeValueAsString(SORTED.treeToValue(value, Object.class))));
                }
            }
            return String.join(" ", parts);
        } catch (IOException e) {
            return ""; // not JSON (or not an object): the operation alone names the call
        }
    }
}
