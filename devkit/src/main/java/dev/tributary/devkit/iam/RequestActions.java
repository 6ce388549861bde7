package dev.tributary.devkit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.FaultProxy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Names the IAM actions and resource ARNs an AWS API request needs, from the request as it crosses the wire: the
 * S3 REST method, path and query; the JSON protocols' {@code X-Amz-Target} and body (DynamoDB, SQS, Kinesis, Glue,
 * SSM). Each rule cites the AWS documentation it follows. A request no rule names is {@link UnmappedRequestException}:
 * refused and reported, never let through unchecked.
 *
 * <p>Server-side encryption is authorized too: S3 calls KMS with the requester's permissions, so a write to a
 * bucket whose default encryption is SSE-KMS also needs {@code kms:GenerateDataKey} on its key, and a read
 * {@code kms:Decrypt} (likewise SQS for a KMS-encrypted queue).
 */
public final class RequestActions {
    private final String region;
    private final String account;
    private final Function<String, Optional<String>> bucketKey;
    private final Function<String, Optional<String>> queueKey;

    /**
     * @param bucketKey the KMS key ARN a bucket encrypts new objects with by default (SSE-KMS), if any
     * @param queueKey  the KMS key ARN a queue (by ARN) encrypts messages with, if any
     */
    public RequestActions(
            String region,
            String account,
            Function<String, Optional<String>> bucketKey,
            Function<String, Optional<String>> queueKey) {
        this.region = region;
        this.account = account;
        this.bucketKey = bucketKey;
        this.queueKey = queueKey;
    }

    /** The authorizations {@code request} needs, direct calls first. */
    public List<IamAction> of(FaultProxy.Request request, byte[] body) {
        String target = request.target();
        if (target.isEmpty()) {
            return s3(request);
        }
        int dot = target.lastIndexOf('.');
        String prefix = dot < 0 ? "" : target.substring(0, dot);
        String operation = target.substring(dot + 1);
        JsonNode json = parse(body, target);
        if (prefix.startsWith("DynamoDB_")) {
            return dynamoDb(operation, json);
        }
        return switch (prefix) {
            case "AmazonSQS" -> sqs(operation, json);
            case "Kinesis_20131202" -> List.of(IamAction.direct("kinesis:" + operation, streamArn(json)));
            case "AWSGlue" -> glue(operation, json);
            case "AmazonSSM" -> ssm(operation, json);
            default -> throw new UnmappedRequestException("no IAM mapping for X-Amz-Target " + target);
        };
    }

    // ------------------------------------------------------------------------------------------------- S3 (REST)

    /**
     * S3 operations by method, path and query. "Required permissions" sections of the S3 API reference:
     * GetObject and HeadObject "you must have the s3:GetObject permission" (s3:GetObjectVersion with a versionId);
     * PutObject, CreateMultipartUpload, UploadPart and CompleteMultipartUpload need s3:PutObject;
     * AbortMultipartUpload s3:AbortMultipartUpload; ListObjectsV2 "you must have the s3:ListBucket permission";
     * HeadBucket "you must have the s3:ListBucket permission"; DeleteObject s3:DeleteObject.
     */
    private List<IamAction> s3(FaultProxy.Request request) {
        String rawPath = request.path();
        int q = rawPath.indexOf('?');
        String path = q < 0 ? rawPath : rawPath.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : rawPath.substring(q + 1));
        String[] parts = path.substring(1).split("/", 2);
        String bucket = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        if (bucket.isEmpty()) {
            throw new UnmappedRequestException("S3 request without a bucket: " + request.method() + " " + rawPath);
        }
        String key = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        String bucketArn = "arn:aws:s3:::" + bucket;
        String objectArn = bucketArn + "/" + key;
        boolean versioned = query.containsKey("versionId");
        if (key.isEmpty()) {
            return switch (request.method()) {
                case "GET" -> {
                    if (query.containsKey("versions")) {
                        yield List.of(IamAction.direct("s3:ListBucketVersions", bucketArn));
                    }
                    if (query.containsKey("location")) {
                        yield List.of(IamAction.direct("s3:GetBucketLocation", bucketArn));
                    }
                    if (query.containsKey("uploads")) {
                        yield List.of(IamAction.direct("s3:ListBucketMultipartUploads", bucketArn));
                    }
                    if (!query.isEmpty()
                            && !query.containsKey("list-type")
                            && !query.containsKey("prefix")
                            && !query.containsKey("delimiter")
                            && !query.containsKey("max-keys")) {
                        throw new UnmappedRequestException(
                                "no IAM mapping for S3 bucket request GET ?" + query.keySet());
                    }
                    yield List.of(IamAction.direct("s3:ListBucket", bucketArn));
                }
                case "HEAD" -> List.of(IamAction.direct("s3:ListBucket", bucketArn));
                default ->
                    throw new UnmappedRequestException(
                            "no IAM mapping for S3 bucket request " + request.method() + " " + rawPath);
            };
        }
        List<IamAction> actions = new ArrayList<>();
        switch (request.method()) {
            case "GET" -> {
                if (query.containsKey("attributes")) {
                    actions.add(IamAction.direct(
                            versioned ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes", objectArn));
                } else if (query.containsKey("tagging")) {
                    actions.add(IamAction.direct(
                            versioned ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", objectArn));
                } else if (query.containsKey("uploadId")) {
                    actions.add(IamAction.direct("s3:ListMultipartUploadParts", objectArn));
                } else {
                    actions.add(IamAction.direct(versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn));
                    // GetObject: "you must have kms:Decrypt permission" for an SSE-KMS object.
                    kms(bucket, "kms:Decrypt", "s3").ifPresent(actions::add);
                }
            }
            // HeadObject: "you must have the s3:GetObject permission"; it returns metadata only, no KMS call.
            case "HEAD" -> actions.add(IamAction.direct(versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn));
            case "PUT" -> {
                if (request.headers().containsKey("x-amz-copy-source")) {
                    throw new UnmappedRequestException("no IAM mapping for S3 CopyObject/UploadPartCopy");
                }
                if (query.containsKey("tagging")) {
                    actions.add(IamAction.direct("s3:PutObjectTagging", objectArn));
                } else {
                    actions.add(IamAction.direct("s3:PutObject", objectArn));
                    // PutObject with SSE-KMS (the bucket's default encryption included): "you must have
                    // kms:GenerateDataKey"; UploadPart of such an upload likewise.
                    kms(bucket, "kms:GenerateDataKey", "s3").ifPresent(actions::add);
                }
            }
            case "POST" -> {
                if (query.containsKey("uploads") || query.containsKey("uploadId")) {
                    actions.add(IamAction.direct("s3:PutObject", objectArn));
                    // CreateMultipartUpload: "To perform a multipart upload with encryption using an AWS KMS key,
                    // the requester must have permission to the kms:Decrypt and kms:GenerateDataKey actions".
                    kms(bucket, "kms:GenerateDataKey", "s3").ifPresent(actions::add);
                    kms(bucket, "kms:Decrypt", "s3").ifPresent(actions::add);
                } else {
                    throw new UnmappedRequestException("no IAM mapping for S3 POST " + rawPath);
                }
            }
            case "DELETE" ->
                actions.add(IamAction.direct(
                        query.containsKey("uploadId")
                                ? "s3:AbortMultipartUpload"
                                : versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
                        objectArn));
            default -> throw new UnmappedRequestException("no IAM mapping for S3 " + request.method() + " " + rawPath);
        }
        return actions;
    }

    private Optional<IamAction> kms(String bucket, String action, String service) {
        return bucketKey
                .apply(bucket)
                .map(key -> new IamAction(action, key, service + "." + region + ".amazonaws.com"));
    }

    // ------------------------------------------------------------------------------------------------- DynamoDB

    /**
     * DynamoDB: "dynamodb:" + the operation, on the table ARN; Query and Scan with an IndexName on
     * {@code table/NAME/index/INDEX} (DynamoDB API permissions reference). Batch and transactional writes need the
     * single-item action of each item on its table.
     */
    private List<IamAction> dynamoDb(String operation, JsonNode json) {
        return switch (operation) {
            case "BatchWriteItem", "BatchGetItem" -> {
                List<IamAction> actions = new ArrayList<>();
                json.path("RequestItems")
                        .fieldNames()
                        .forEachRemaining(
                                table -> actions.add(IamAction.direct("dynamodb:" + operation, tableArn(table))));
                yield actions;
            }
            case "TransactWriteItems" -> {
                List<IamAction> actions = new ArrayList<>();
                for (JsonNode item : json.path("TransactItems")) {
                    item.properties()
                            .forEach(e -> actions.add(IamAction.direct(
                                    "dynamodb:"
                                            + switch (e.getKey()) {
                                                case "Put" -> "PutItem";
                                                case "Update" -> "UpdateItem";
                                                case "Delete" -> "DeleteItem";
                                                case "ConditionCheck" -> "ConditionCheckItem";
                                                default ->
                                                    throw new UnmappedRequestException(
                                                            "TransactWriteItems member " + e.getKey());
                                            },
                                    tableArn(e.getValue().path("TableName").asText()))));
                }
                yield actions;
            }
            default -> {
                String table = required(json, "TableName", "DynamoDB " + operation);
                String index = json.path("IndexName").asText("");
                yield List.of(IamAction.direct(
                        "dynamodb:" + operation, tableArn(table) + (index.isEmpty() ? "" : "/index/" + index)));
            }
        };
    }

    private String tableArn(String table) {
        return table.startsWith("arn:") ? table : "arn:aws:dynamodb:" + region + ":" + account + ":table/" + table;
    }

    // ------------------------------------------------------------------------------------------------- SQS, Kinesis,
    // Glue, SSM

    /**
     * SQS: "sqs:" + the operation on the queue ARN. A KMS-encrypted queue: "the producer must have
     * kms:GenerateDataKey and kms:Decrypt permissions" and the consumer kms:Decrypt (SQS developer guide, key
     * management).
     */
    private List<IamAction> sqs(String operation, JsonNode json) {
        String queueArn = queueArn(required(json, "QueueUrl", "SQS " + operation));
        List<IamAction> actions = new ArrayList<>();
        actions.add(IamAction.direct("sqs:" + operation, queueArn));
        String via = "sqs." + region + ".amazonaws.com";
        queueKey.apply(queueArn).ifPresent(key -> {
            if (operation.startsWith("SendMessage")) {
                actions.add(new IamAction("kms:GenerateDataKey", key, via));
            }
            if (operation.startsWith("SendMessage") || operation.equals("ReceiveMessage")) {
                actions.add(new IamAction("kms:Decrypt", key, via));
            }
        });
        return actions;
    }

    private String queueArn(String queueUrl) {
        if (queueUrl.startsWith("arn:")) {
            return queueUrl;
        }
        String[] segments = URI.create(queueUrl).getPath().split("/");
        if (segments.length < 3) {
            throw new UnmappedRequestException("not a queue URL: " + queueUrl);
        }
        return "arn:aws:sqs:" + region + ":" + segments[segments.length - 2] + ":" + segments[segments.length - 1];
    }

    private String streamArn(JsonNode json) {
        String arn = json.path("StreamARN").asText("");
        if (!arn.isEmpty()) {
            return arn;
        }
        return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + required(json, "StreamName", "Kinesis");
    }

    /**
     * Glue job operations on {@code arn:aws:glue:REGION:ACCOUNT:job/NAME}, and the Data Catalog operations Iceberg's
     * GlueCatalog makes. Glue's "Specifying AWS Glue resource ARNs": "GetTable requires permissions on the catalog,
     * the database and the table" (likewise CreateTable, UpdateTable, DeleteTable); GetTables on the catalog, the
     * database and every table in it ({@code table/DB/*}); GetDatabase on the catalog and the database.
     */
    private List<IamAction> glue(String operation, JsonNode json) {
        String catalog = "arn:aws:glue:" + region + ":" + account + ":catalog";
        return switch (operation) {
            case "StartJobRun", "GetJobRun", "GetJobRuns", "BatchStopJobRun", "GetJob" ->
                List.of(IamAction.direct(
                        "glue:" + operation,
                        "arn:aws:glue:" + region + ":" + account + ":job/"
                                + required(json, "JobName", "Glue " + operation)));
            case "GetDatabase" -> catalogActions(operation, catalog, required(json, "Name", "Glue " + operation), null);
            case "GetTables" ->
                catalogActions(operation, catalog, required(json, "DatabaseName", "Glue " + operation), "*");
            case "GetTable", "DeleteTable" ->
                catalogActions(
                        operation,
                        catalog,
                        required(json, "DatabaseName", "Glue " + operation),
                        required(json, "Name", "Glue " + operation));
            case "CreateTable", "UpdateTable" ->
                catalogActions(
                        operation,
                        catalog,
                        required(json, "DatabaseName", "Glue " + operation),
                        required(json.path("TableInput"), "Name", "Glue " + operation + " TableInput"));
            default -> throw new UnmappedRequestException("no IAM mapping for Glue " + operation);
        };
    }

    private List<IamAction> catalogActions(String operation, String catalog, String database, String table) {
        String prefix = catalog.substring(0, catalog.length() - "catalog".length());
        List<IamAction> actions = new ArrayList<>();
        actions.add(IamAction.direct("glue:" + operation, catalog));
        actions.add(IamAction.direct("glue:" + operation, prefix + "database/" + database));
        if (table != null) {
            actions.add(IamAction.direct("glue:" + operation, prefix + "table/" + database + "/" + table));
        }
        return actions;
    }

    /** SSM parameters: {@code arn:aws:ssm:REGION:ACCOUNT:parameter/NAME} (the name's leading slash is the ARN's). */
    private List<IamAction> ssm(String operation, JsonNode json) {
        return switch (operation) {
            case "GetParameter", "GetParameters", "GetParameterHistory" -> {
                List<String> names = new ArrayList<>();
                if (json.has("Names")) {
                    json.path("Names").forEach(n -> names.add(n.asText()));
                } else {
                    names.add(required(json, "Name", "SSM " + operation));
                }
                yield names.stream()
                        .map(name -> IamAction.direct(
                                "ssm:" + operation,
                                "arn:aws:ssm:" + region + ":" + account + ":parameter"
                                        + (name.startsWith("/") ? name : "/" + name)))
                        .toList();
            }
            default -> throw new UnmappedRequestException("no IAM mapping for SSM " + operation);
        };
    }

    // ------------------------------------------------------------------------------------------------- parsing

    private static JsonNode parse(byte[] body, String target) {
        try {
            return Json.mapper().readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        } catch (java.io.IOException e) {
            throw new UnmappedRequestException("body of " + target + " is not JSON: " + e.getMessage());
        }
    }

    private static String required(JsonNode json, String field, String what) {
        String value = json.path(field).asText("");
        if (value.isEmpty()) {
            throw new UnmappedRequestException(what + " request without " + field);
        }
        return value;
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
