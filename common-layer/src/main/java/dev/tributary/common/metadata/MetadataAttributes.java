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

    private MetadataAttributes() {}
}
