package dev.tributary.devkit.iam;

/**
 * One authorization a request needs: an IAM action on a resource ARN. A request can need several (an S3 write to an
 * SSE-KMS bucket needs {@code s3:PutObject} on the object and {@code kms:GenerateDataKey} on the key).
 *
 * @param action   e.g. {@code s3:GetObject}
 * @param resource the resource ARN the action is authorized against
 * @param viaService the service that makes the call on the caller's behalf ({@code kms:ViaService}), or "" for a
 *                   direct call
 */
public record IamAction(String action, String resource, String viaService) {
    /** A call the principal makes itself. */
    public static IamAction direct(String action, String resource) {
        return new IamAction(action, resource, "");
    }

    @Override
    public String toString() {
        return action + " on " + resource + (viaService.isEmpty() ? "" : " (via " + viaService + ")");
    }
}
