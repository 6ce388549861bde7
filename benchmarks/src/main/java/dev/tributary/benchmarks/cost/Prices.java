package dev.tributary.benchmarks.cost;

/**
 * us-east-1 on-demand list prices the cost model uses, without free tiers (they only lower the figures). Read on
 * 2026-11-28; check the pages before relying on a figure.
 *
 * <ul>
 *   <li>Lambda arm64: https://aws.amazon.com/lambda/pricing/ ($0.0000133334 per GB-s, $0.20 per 1M requests)</li>
 *   <li>S3 Standard: https://aws.amazon.com/s3/pricing/ (PUT, COPY, POST, LIST $0.005 per 1,000; GET and all other
 *       requests $0.0004 per 1,000; storage $0.023 per GB-month, first 50 TB)</li>
 *   <li>DynamoDB on-demand: https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per 1M write request units,
 *       $0.125 per 1M read request units, $0.25 per GB-month of table storage)</li>
 *   <li>SQS standard: https://aws.amazon.com/sqs/pricing/ ($0.40 per 1M requests)</li>
 *   <li>KMS: https://aws.amazon.com/kms/pricing/ ($0.03 per 10,000 requests)</li>
 *   <li>Glue Spark job: https://aws.amazon.com/glue/pricing/ ($0.44 per DPU-hour, billed per second, 1-minute
 *       minimum for Glue 2.0 and later)</li>
 *   <li>CloudWatch Logs: https://aws.amazon.com/cloudwatch/pricing/ ($0.50 per GB ingested, standard class)</li>
 *   <li>Amazon Data Firehose: https://aws.amazon.com/firehose/pricing/ (ingestion from a Kinesis stream $0.029 per
 *       GB for the first 500 TB a month, "calculated in 5KB increments"; format conversion to Parquet $0.018 per GB,
 *       also per GB ingested in 5 KB increments; dynamic partitioning $0.020 per GB delivered, $0.005 per 1,000 S3
 *       objects delivered, $0.07 per JQ processing hour)</li>
 * </ul>
 */
public final class Prices {
    public static final String READ_ON = "2026-11-28";
    public static final double LAMBDA_GB_SECOND = 0.0000133334;
    public static final double LAMBDA_REQUEST = 0.20 / 1e6;
    public static final double S3_PUT_CLASS = 0.005 / 1000;
    public static final double S3_GET_CLASS = 0.0004 / 1000;
    public static final double S3_GB_MONTH = 0.023;
    public static final double DYNAMODB_WRITE_UNIT = 0.625 / 1e6;
    public static final double DYNAMODB_READ_UNIT = 0.125 / 1e6;
    public static final double DYNAMODB_GB_MONTH = 0.25;
    public static final double SQS_REQUEST = 0.40 / 1e6;
    public static final double KMS_REQUEST = 0.03 / 10_000;
    public static final double GLUE_DPU_HOUR = 0.44;
    public static final double LOGS_GB_INGESTED = 0.50;
    public static final double FIREHOSE_INGEST_GB = 0.029;
    public static final double FIREHOSE_CONVERSION_GB = 0.018;
    public static final double FIREHOSE_PARTITIONING_GB = 0.020;
    public static final double FIREHOSE_OBJECT = 0.005 / 1000;
    public static final double FIREHOSE_JQ_HOUR = 0.07;
    /** Firehose rounds every record up to a multiple of 5 KB for ingestion and format conversion. */
    public static final int FIREHOSE_INCREMENT_BYTES = 5 * 1024;

    private Prices() {}
}
