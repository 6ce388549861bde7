package dev.tributary.benchmarks;

import java.io.IOException;

/** Prints, as JSON, the sizes the report turns timings into rates with (scripts/bench.sh). */
public final class BatchFacts {
    private BatchFacts() {}

    public static void main(String[] args) throws IOException {
        BenchmarkBatch batch = new BenchmarkBatch(BenchmarkBatch.FULL_BATCH_RECORDS, "shardId-000000000000", 42);
        TransformerThroughputBenchmark transformer = new TransformerThroughputBenchmark();
        transformer.gzipLevel = 6;
        transformer.setUp();
        System.out.printf(
                "{\"processor_records\":%d,\"processor_record_bytes\":%d,\"processor_event_bytes\":%d,"
                        + "\"transformer_records\":%d,\"transformer_uncompressed_bytes\":%d,\"transformer_object_bytes\":%d}%n",
                batch.records(),
                batch.recordBytes(),
                batch.eventJson().length,
                transformer.records,
                transformer.uncompressedBytes,
                transformer.rawObject.length);
    }
}
