package dev.tributary.devkit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.toolkit.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The template's IAM, made real at the gate: each function's execution role with the policies the template gives
 * it, and the resource policies and encryption keys that decide alongside (bucket policies, queue policies, key
 * policies, buckets' and queues' default SSE-KMS keys). Everything is read from {@code infra/template.yaml}, resolved
 * the way the deployment resolved it: one source of truth, so a permission removed from the template is a permission
 * the local run no longer has.
 */
public final class TemplateRoles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TemplateRoles() {}

    /**
     * Registers the template's resource policies and keys with {@code gate}, and one session per function.
     *
     * @param properties a resource's properties, resolved as deployed
     * @param arn        a resource's ARN as deployed ({@code Fn::GetAtt X.Arn})
     * @param queueArnOfUrl a deployed queue's ARN from its URL
     * @return the functions' sessions, by function logical id
     */
    public static Map<String, RolePrincipal> register(
            SamTemplate template,
            IamGate gate,
            Function<String, Map<String, Object>> properties,
            Function<String, String> arn,
            Function<String, String> queueArnOfUrl,
            String account) {
        for (SamTemplate.Resource policy : template.resources("AWS::S3::BucketPolicy")) {
            Map<String, Object> p = properties.apply(policy.logicalId());
            gate.resourcePolicy("arn:aws:s3:::" + p.get("Bucket"), json(p.get("PolicyDocument")));
        }
        for (SamTemplate.Resource policy : template.resources("AWS::SQS::QueuePolicy")) {
            Map<String, Object> p = properties.apply(policy.logicalId());
            for (Object url : list(p.get("Queues"))) {
                gate.resourcePolicy(queueArnOfUrl.apply(url.toString()), json(p.get("PolicyDocument")));
            }
        }
        for (SamTemplate.Resource key : template.resources("AWS::KMS::Key")) {
            Map<String, Object> p = properties.apply(key.logicalId());
            if (p != null && p.get("KeyPolicy") != null) {
                gate.resourcePolicy(arn.apply(key.logicalId()), json(p.get("KeyPolicy")));
            }
        }
        for (SamTemplate.Resource bucket : template.resources("AWS::S3::Bucket")) {
            Map<String, Object> p = properties.apply(bucket.logicalId());
            for (Object rule :
                    list(SamTemplate.map(p.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"))) {
                Map<String, Object> byDefault =
                        SamTemplate.map(SamTemplate.map(rule).get("ServerSideEncryptionByDefault"));
                Object keyId = byDefault.get("KMSMasterKeyID");
                if ("aws:kms".equals(byDefault.get("SSEAlgorithm"))
                        && keyId != null
                        && !keyId.toString().isEmpty()) {
                    gate.bucketKey(p.get("BucketName").toString(), keyId.toString());
                }
            }
        }
        for (SamTemplate.Resource queue : template.resources("AWS::SQS::Queue")) {
            Object keyId = properties.apply(queue.logicalId()).get("KmsMasterKeyId");
            if (keyId != null && keyId.toString().startsWith("arn:")) {
                gate.queueKey(arn.apply(queue.logicalId()), keyId.toString());
            }
        }
        Map<String, RolePrincipal> sessions = new LinkedHashMap<>();
        for (SamTemplate.Resource function : template.resources("AWS::Serverless::Function")) {
            Map<String, Object> p = properties.apply(function.logicalId());
            String roleArn = String.valueOf(p.get("Role"));
            SamTemplate.Resource role = template.resources("AWS::IAM::Role").stream()
                    .filter(r -> arn.apply(r.logicalId()).equals(roleArn))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            function.logicalId() + "'s Role " + roleArn + " is not an AWS::IAM::Role of the template"));
            String functionName = String.valueOf(p.getOrDefault("FunctionName", function.logicalId()));
            RolePrincipal principal =
                    session(function.logicalId(), roleArn, properties.apply(role.logicalId()), functionName, account);
            gate.register(principal);
            sessions.put(function.logicalId(), principal);
        }
        return sessions;
    }

    /**
     * A session of a role (new credentials, not yet known to any gate).
     *
     * @param label       who uses it, for reports (a function's logical id)
     * @param role        the role's resolved properties
     * @param sessionName e.g. the function's name, as Lambda names its sessions
     */
    public static RolePrincipal session(
            String label, String roleArn, Map<String, Object> role, String sessionName, String account) {
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        return new RolePrincipal(
                label,
                roleName,
                roleArn,
                "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName,
                policies(role),
                newCredentials());
    }

    /** A role's inline policies by name. Managed policies are refused: the template's roles name every statement. */
    static Map<String, JsonNode> policies(Map<String, Object> role) {
        if (!list(role.get("ManagedPolicyArns")).isEmpty()) {
            throw new IllegalArgumentException("a role with ManagedPolicyArns: the local gate knows no managed policy");
        }
        Map<String, JsonNode> policies = new LinkedHashMap<>();
        for (Object policy : list(role.get("Policies"))) {
            Map<String, Object> p = SamTemplate.map(policy);
            policies.put(p.get("PolicyName").toString(), json(p.get("PolicyDocument")));
        }
        return policies;
    }

    private static RolePrincipal.Credentials newCredentials() {
        byte[] id = new byte[8];
        byte[] secret = new byte[30];
        byte[] token = new byte[48];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        RANDOM.nextBytes(token);
        return new RolePrincipal.Credentials(
                IamGate.SESSION_KEY_PREFIX + HexFormat.of().formatHex(id).toUpperCase(Locale.ROOT),
                java.util.Base64.getEncoder().encodeToString(secret),
                java.util.Base64.getEncoder().encodeToString(token));
    }

    private static JsonNode json(Object document) {
        if (document instanceof String text) {
            try {
                return Json.mapper().readTree(text.getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("a policy document is not JSON: " + e.getMessage(), e);
            }
        }
        return Json.mapper().valueToTree(document);
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : new ArrayList<>();
    }
}
