package dev.tributary.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The cost model's arithmetic on a case worked by hand (the numbers in the comments). */
class CostModelTest {
    // 1,048,576 events in the run: every per-event counter is multiplied by 1,024 to reach a TiB of 1 KiB events.
    private static final long EVENTS = CostModel.EVENTS_PER_TIB / 1024;
    private static final long MIB = 1L << 20;

    private static CostModel.Run run() {
        var processor = new CostModel.FunctionRun(
                2,
                2000,
                1024,
                1024,
                Map.of(
                        "s3:PutObject",
                        6L,
                        "dynamodb:PutItem",
                        6L,
                        "kms:GenerateDataKey via s3",
                        6L,
                        "kinesis:GetRecords",
                        40L,
                        "kms:GenerateDataKey via sqs",
                        5L));
        var transformer = new CostModel.FunctionRun(
                6,
                600,
                0,
                2048,
                Map.of("s3:GetObject", 6L, "s3:PutObject", 6L, "dynamodb:UpdateItem", 6L, "sqs:ReceiveMessage", 9L));
        var orchestrator = new CostModel.FunctionRun(2, 1000, 0, 512, Map.of());
        // event bytes 1 GiB: stored bytes are multiplied by 1,024 to reach a TiB
        // 524,288 events per batch at a TiB: 2,048 batches, 1,024 times the run's 2: calls scale by 1,024 too
        return new CostModel.Run(
                EVENTS,
                1L << 30,
                processor,
                transformer,
                orchestrator,
                Map.of(),
                MIB,
                MIB,
                MIB,
                6,
                600,
                3,
                CostModel.EVENTS_PER_TIB / 2048.0);
    }

    private static final CostModel.Schedule SCHEDULE = new CostModel.Schedule(2880, 2880, 2, 1, 4);

    @Nested
    class Bill {
        @Test
        void bill_whenHandCheckedRun_pricesProcessorLineByLine() {
            CostModel.Bill bill = CostModel.bill(run(), SCHEDULE, new CostModel.GlueFit(30, 0.0001, "test"));
            // Lambda: 2 s × 1 GB × 1,024 = 2,048 GB-s × 0.0000133334 = 0.0273068; 2,048 requests × 0.2e-6 = 0.0004096
            // S3: 6,144 PUT × 0.000005 = 0.03072; DynamoDB: 6,144 WRU × 0.625e-6 = 0.00384
            // KMS with Bucket Key: 6,144 / 100 × 0.000003 = 0.00018432 (the SQS data key is reused: not counted)
            // Logs: 1 KiB × 1,024 = 1 MiB = 1/1,024 GB × 0.50 = 0.00048828
            assertThat(line(bill, "processor", "Lambda")).isCloseTo(0.0277164, within(1e-7));
            assertThat(line(bill, "processor", "S3 requests")).isCloseTo(0.03072, within(1e-9));
            assertThat(line(bill, "processor", "DynamoDB")).isCloseTo(0.00384, within(1e-9));
            assertThat(line(bill, "processor", "KMS via S3, with Bucket Key (1 % of below)"))
                    .isCloseTo(0.00018432, within(1e-10));
            assertThat(bill.stage("processor")).isCloseTo(0.06294900, within(1e-7));
            assertThat(bill.objectsPerTib()).isEqualTo(6144);
        }

        @Test
        void bill_whenTransformerUpdatesMetadata_paysTheGsiWriteToo() {
            CostModel.Bill bill = CostModel.bill(run(), SCHEDULE, new CostModel.GlueFit(30, 0.0001, "test"));
            // Lambda: 0.6 s × 2 GB × 1,024 = 1,228.8 GB-s = 0.01638408 + 6,144 requests = 0.0012288
            // S3: 6,144 PUT × 0.000005 + 6,144 GET × 0.0000004 = 0.0331776
            // DynamoDB: 6,144 updates + 6,144 GSI writes (one per processed object) = 12,288 WRU = 0.00768
            // SQS receives are the harness's, not billed.
            assertThat(bill.stage("transformer")).isCloseTo(0.05847048, within(1e-7));
            assertThat(bill.tributary())
                    .noneMatch(l -> l.stage().equals("transformer") && l.item().equals("SQS"));
        }

        @Test
        void bill_whenGlueRunIsShort_billsTheOneMinuteMinimum() {
            CostModel.Bill bill = CostModel.bill(run(), SCHEDULE, new CostModel.GlueFit(30, 0.0001, "test"));
            // 372,827 records per run × 0.0001 core-s / 8 vCPUs = 4.66 s + 30 s < 60 s: 2,880 × 60 s × 2 DPU = 96 DPU-h
            assertThat(line(bill, "glue", "Glue DPU-hours")).isCloseTo(96 * 0.44, within(1e-9));
        }

        @Test
        void bill_whenGlueRunIsLong_billsItsSeconds() {
            CostModel.Bill bill = CostModel.bill(run(), SCHEDULE, new CostModel.GlueFit(30, 0.01, "test"));
            // 30 + 372,827.02 × 0.01 / 8 = 496.03 s; 2,880 × 496.03 × 2 / 3,600 = 793.65 DPU-h × 0.44 = 349.21
            assertThat(line(bill, "glue", "Glue DPU-hours")).isCloseTo(349.21, within(0.01));
        }

        @Test
        void bill_whenFirehose_roundsEveryRecordUpToFiveKilobytes() {
            CostModel.Bill bill = CostModel.bill(run(), SCHEDULE, new CostModel.GlueFit(30, 0.0001, "test"));
            // 5,120 GB × 0.029 = 148.48; × 0.018 = 92.16; 1,024 GB × 0.02 = 20.48; 8,760 objects = 0.0438;
            // 730 JQ hours = 51.10; 1 GB of Parquet for a month = 0.023
            assertThat(bill.total(bill.firehose())).isCloseTo(312.2868, within(1e-6));
            // storage: 3 MiB × 1,024 = 3 GB × 0.023
            assertThat(line(bill, "storage", "S3 Standard, one month of raw + processed + curated"))
                    .isCloseTo(0.069, within(1e-9));
        }
    }

    @Test
    void bill_whenBatchesAreLargerAtATib_scalesCallsByBatchesAndTimeByEvents() {
        CostModel.Run small = run();
        // twice the events per batch: half the batches, so half the calls; the same CPU time per event
        CostModel.Run larger = new CostModel.Run(
                small.events(),
                small.eventBytes(),
                small.processor(),
                small.transformer(),
                small.orchestrator(),
                Map.of(),
                MIB,
                MIB,
                MIB,
                6,
                600,
                3,
                CostModel.EVENTS_PER_TIB / 1024.0);
        var glue = new CostModel.GlueFit(30, 0.0001, "test");
        assertThat(line(CostModel.bill(larger, SCHEDULE, glue), "processor", "S3 requests"))
                .isCloseTo(0.03072 / 2, within(1e-9));
        assertThat(CostModel.bill(larger, SCHEDULE, glue).objectsPerTib()).isEqualTo(3072);
        // Lambda: GB-s unchanged (0.0273068), requests halved (0.0002048)
        assertThat(line(CostModel.bill(larger, SCHEDULE, glue), "processor", "Lambda"))
                .isCloseTo(0.0275116, within(1e-7));
    }

    @Test
    void kmsWithoutBucketKey_whenObjectsWrittenAndRead_countsOneRequestEach() {
        // processor 6 GenerateDataKey via S3 × 1,024; the SQS ones are excluded
        assertThat(CostModel.kmsWithoutBucketKey(run(), SCHEDULE)).isEqualTo(6144.0);
    }

    private static double line(CostModel.Bill bill, String stage, String item) {
        return bill.tributary().stream()
                .filter(l -> l.stage().equals(stage) && l.item().equals(item))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line " + stage + "/" + item + " in " + bill.tributary()))
                .dollars();
    }
}
