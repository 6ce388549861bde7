package dev.tributary.devkit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A function's identity in a local run: the template role it runs under and the session Lambda would open for it
 * ("Lambda assumes the execution role ... session name is the function name").
 *
 * @param function         the function's logical id, for reports
 * @param roleName         the role's name
 * @param roleArn          {@code arn:aws:iam::ACCOUNT:role/NAME}
 * @param sessionArn       {@code arn:aws:sts::ACCOUNT:assumed-role/NAME/FUNCTION}
 * @param identityPolicies the role's policies as the template defines them, resolved: name to document
 * @param credentials      the session credentials the function is given (AWS_ACCESS_KEY_ID and friends)
 */
public record RolePrincipal(
        String function,
        String roleName,
        String roleArn,
        String sessionArn,
        Map<String, JsonNode> identityPolicies,
        Credentials credentials) {
    /** Temporary credentials, as Lambda puts them in a function's environment. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        /** The environment variables Lambda sets for them. */
        public Map<String, String> environment() {
            return Map.of(
                    "AWS_ACCESS_KEY_ID",
                    accessKeyId,
                    "AWS_SECRET_ACCESS_KEY",
                    secretAccessKey,
                    "AWS_SESSION_TOKEN",
                    sessionToken);
        }
    }
}
