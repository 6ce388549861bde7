package dev.tributary.common.metadata;

/** Attribute names of the metadata table (see {@code docs/contracts.md}); one spelling for every writer. */
public final class MetadataAttributes {
    public static final String OBJECT_KEY = "object_key";
    public static final String BUCKET = "bucket";
    public static final String STREAM = "stream";
    public static final String SHARD_ID = "shard_id";
    public static final String FIRST_SEQUENCE = "first_sequence";
    public static final String LAST_SEQUENCE = "last_sequence";
    public static final String EVENT_TYPE = "event_type";
    public static final String DT = "dt";
    public static final String HR = "hr";
    public static final String RECORD_COUNT = "record_count";
    public static final String BYTES = "bytes";
    public static final String UNCOMPRESSED_BYTES = "uncompressed_bytes";
    public static final String CHECKSUM_SHA256 = "checksum_sha256";
    public static final String STATUS = "status";
    public static final String CREATED_AT = "created_at";
    public static final String UPDATED_AT = "updated_at";

    // Written by the s3-transformer (docs/contracts.md, docs/transformer.md).
    public static final String PROCESSED_KEY = "processed_key";
    public static final String PROCESSED_BUCKET = "processed_bucket";
    public static final String RECORDS_IN = "records_in";
    public static final String RECORDS_OUT = "records_out";
    public static final String DUPLICATES_DROPPED = "duplicates_dropped";
    public static final String FAILURE_REASON = "failure_reason";
    public static final String PROCESSED_AT = "processed_at";
    /** {@code yyyy-MM-ddTHH} of {@link #PROCESSED_AT}: hash key of GSI {@code processed-by-hour}. */
    public static final String PROCESSED_HOUR = "processed_hour";
    /** The S3 version id of the raw object the transformer read, when the bucket is versioned. */
    public static final String SOURCE_VERSION_ID = "source_version_id";
    /** The largest S3 event {@code sequencer} whose object version the transformer has covered. */
    public static final String SOURCE_SEQUENCER = "source_sequencer";
    /** Who holds the transformer's per-object lease (one invocation at a time per raw key). */
    public static final String LEASE_OWNER = "lease_owner";
    /** When that lease expires, epoch milliseconds (N). */
    public static final String LEASE_EXPIRES_AT = "lease_expires_at";
    /**
     * When DynamoDB may delete the item, epoch seconds (N): the table's TTL attribute (infra/template.yaml
     * {@code TimeToLiveSpecification}). Set once, when the processor records the raw object.
     */
    public static final String EXPIRES_AT = "expires_at";

    private MetadataAttributes() {}
}
