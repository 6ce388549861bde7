package dev.tributary.devkit.iam;

/**
 * A request the gate cannot name the IAM action of. The gate refuses it rather than let it through unchecked: a
 * function that starts making a new kind of call needs its action added to {@link RequestActions} (and its
 * permission to the template), not a silent pass.
 */
public final class UnmappedRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnmappedRequestException(String message) {
        super(message);
    }
}
