package dev.tributary.common.metadata;

/** What {@link DynamoDbMetadataStore#tryAcquireLease} found. */
public sealed interface LeaseAttempt {
    /** The lease is ours; {@code state} is the item after the update (consistent). */
    record Granted(ObjectState state) implements LeaseAttempt {}

    /** Another owner holds an unexpired lease. */
    record Held() implements LeaseAttempt {}

    /** There is no item for the key: the processor has not recorded the object (yet, or ever). */
    record NoItem() implements LeaseAttempt {}
}
