package dev.tributary.devkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.ledger.RecordLedger.Counts;
import dev.tributary.devkit.ledger.RecordLedger.Places;
import dev.tributary.devkit.ledger.RecordLedger.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RecordLedgerTest {
    private static final String HASH = "v1:" + "ab".repeat(32);
    private static final String PAGE_VIEW = """
            {"event_id":"pv-1","event_type":"page_view","event_time":"2026-11-22T10:15:30.123456+02:00",\
            "source":"web","schema_version":1,"payload":{"page_url":"https://shop.example.com/cart?email=a@b.c&item=42",\
            "tti_ms":1830,"ttar_ms":412,"user_id":"u-17","user_agent":"Mozilla/5.0 (iPhone)"}}""";
    private static final String PAYMENT = """
            {"event_id":"pay-1","event_type":"payment","event_time":"2026-11-22T10:15:31Z","source":"checkout",\
            "schema_version":1,"payload":{"amount":"12.50","currency":"EUR","customer_id":"c-9","card_last4":"4242"}}""";
    private static final String SENSOR = """
            {"event_id":"s-1","event_type":"sensor_reading","event_time":"2026-11-22T10:15:32.5Z","source":"plant",\
            "schema_version":1,"payload":{"device_id":"d-1","metric":"temp","value":21.50}}""";
    private static final String INVALID = "{\"event_id\":\"bad-1\",\"truncated";

    private static final Position PV = new Position("shard-0", "100", RecordLedger.NOT_AGGREGATED);
    private static final Position PAY = new Position("shard-0", "101", RecordLedger.NOT_AGGREGATED);
    private static final Position SENS = new Position("shard-1", "200", 0);
    private static final Position BAD = new Position("shard-1", "201", RecordLedger.NOT_AGGREGATED);

    private final RecordLedger ledger = new RecordLedger();

    @BeforeEach
    void accept() {
        ledger.accepted(PV, bytes(PAGE_VIEW));
        ledger.accepted(PAY, bytes(PAYMENT));
        ledger.accepted(SENS, bytes(SENSOR));
        ledger.accepted(BAD, bytes(INVALID));
    }

    /** The transformer's documented output for each sent event (docs/transformer.md, "Output record"). */
    private static ObjectNode processed(String sent) {
        ObjectNode event = (ObjectNode) json(sent);
        ObjectNode line = event.deepCopy();
        line.put(
                "event_time_ms",
                Instant.parse(java.time.OffsetDateTime.parse(
                                        event.get("event_time").asText())
                                .toInstant()
                                .toString())
                        .toEpochMilli());
        line.put("ingest_lag_ms", 4500);
        ObjectNode payload = (ObjectNode) line.get("payload");
        if (event.get("event_type").asText().equals("page_view")) {
            payload.put("page_url", "https://shop.example.com/cart?email=" + HASH + "&item=42");
            payload.put("user_id", HASH);
            payload.remove("user_agent");
            line.putObject("user_agent").put("family", "Mobile Safari");
        } else if (event.get("event_type").asText().equals("payment")) {
            payload.put("customer_id", HASH);
        }
        return line;
    }

    private static Places balancedPlaces() {
        return new Places()
                .output(processed(PAGE_VIEW))
                .output(processed(PAYMENT))
                .output(processed(SENSOR))
                .quarantined(BAD, "invalid_json", bytes(INVALID));
    }

    @Nested
    class WhenEveryRecordHasOnePlace {
        @Test
        void reconcile_whenOutputIsAsDocumented_isBalanced() {
            Counts counts = ledger.reconcile(balancedPlaces());

            assertThat(counts)
                    .extracting(
                            Counts::in,
                            Counts::output,
                            Counts::failed,
                            Counts::lost,
                            Counts::duplicated,
                            Counts::unknown)
                    .containsExactly(4L, 3L, 1L, 0L, 0L, 0L);
            assertThat(counts.complete()).isTrue();
        }

        @Test
        void reconcile_whenCuratedRowCarriesPayloadJson_matchesLikeProcessedLine() {
            ObjectNode row = processed(PAYMENT);
            row.put("payload_json", row.remove("payload").toString());

            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(row)
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(INVALID)));

            assertThat(counts.complete()).isTrue();
        }
    }

    @Nested
    class Defects {
        @Test
        void reconcile_whenPayloadCorruptedButIdKept_countsLostAndUnknown() {
            ObjectNode corrupted = processed(PAYMENT);
            ((ObjectNode) corrupted.get("payload")).put("amount", "1250"); // event_id intact: id matching balanced

            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(corrupted)
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(INVALID)));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
            assertThat(counts.balanced()).isFalse();
            assertThat(counts.examples()).contains("lost: shard-0 #101");
        }

        @Test
        void reconcile_whenEventTimeShifted_countsLostAndUnknown() {
            ObjectNode shifted = processed(SENSOR);
            shifted.put("event_time_ms", shifted.get("event_time_ms").asLong() + 1);

            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .output(shifted)
                    .quarantined(BAD, "invalid_json", bytes(INVALID)));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
        }

        @Test
        void reconcile_whenQuarantinedBytesTruncated_countsLostAndUnknown() {
            byte[] truncated = bytes(INVALID.substring(0, 10)); // labelled right, bytes cut short

            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", truncated));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
        }

        @Test
        void reconcile_whenQuarantineLineRelabelled_countsLostAndUnknown() {
            Position wrongLabel = new Position("shard-1", "202", RecordLedger.NOT_AGGREGATED);

            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .output(processed(SENSOR))
                    .quarantined(wrongLabel, "invalid_json", bytes(INVALID)));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
        }

        @Test
        void reconcile_whenQuarantineLineHoldsAnotherRecordsBytes_countsLostAndUnknown() {
            // The labels the processor writes are right, the bytes are another record's: a mislabelled quarantine.
            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(PAYMENT)));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
        }

        @Test
        void reconcile_whenOutputTwice_countsDuplicated() {
            Counts counts = ledger.reconcile(balancedPlaces().output(processed(SENSOR)));

            assertThat(counts).extracting(Counts::duplicated, Counts::output).containsExactly(1L, 2L);
            assertThat(counts.balanced()).isFalse();
        }

        @Test
        void reconcile_whenQuarantinedAndAlsoInOutput_countsDuplicated() {
            Counts counts = ledger.reconcile(balancedPlaces().quarantined(PAY, "schema_violation", bytes(PAYMENT)));

            assertThat(counts.duplicated()).isEqualTo(1);
        }

        @Test
        void reconcile_whenRecordNowhere_countsLostAndNamesIt() {
            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .quarantined(BAD, "invalid_json", bytes(INVALID)));

            assertThat(counts.lost()).isEqualTo(1);
            assertThat(counts.examples()).containsExactly("lost: shard-1 #200-0");
        }

        @Test
        void reconcile_whenRowNeverProduced_countsUnknown() {
            ObjectNode stranger = processed(SENSOR);
            stranger.put("event_id", "s-999");

            Counts counts = ledger.reconcile(balancedPlaces().output(stranger));

            assertThat(counts.unknown()).isEqualTo(1);
            assertThat(counts.balanced()).isFalse();
        }

        @Test
        void reconcile_whenQuarantinedWithoutReason_isNotBalanced() {
            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .output(processed(SENSOR))
                    .quarantined(BAD, " ", bytes(INVALID)));

            assertThat(counts.withoutReason()).isEqualTo(1);
            assertThat(counts.balanced()).isFalse();
        }
    }

    @Nested
    class PersonalData {
        @Test
        void reconcile_whenHashedFieldInClear_countsLostAndUnknown() {
            ObjectNode leaked = processed(PAYMENT);
            ((ObjectNode) leaked.get("payload")).put("customer_id", "c-9");

            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(leaked)
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(INVALID)));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
        }

        @Test
        void reconcile_whenDroppedFieldKept_countsLostAndUnknown() {
            ObjectNode kept = processed(PAGE_VIEW);
            ((ObjectNode) kept.get("payload")).put("user_agent", "Mozilla/5.0 (iPhone)");

            Counts counts = ledger.reconcile(new Places()
                    .output(kept)
                    .output(processed(PAYMENT))
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(INVALID)));

            assertThat(counts).extracting(Counts::lost, Counts::unknown).containsExactly(1L, 1L);
        }
    }

    @Nested
    class DeadLetters {
        @Test
        void reconcile_whenBatchOnProcessorQueue_countsDeadLetteredNotLost() {
            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(PAYMENT))
                    .quarantined(BAD, "invalid_json", bytes(INVALID))
                    .deadLetteredBatch("shard-1", "150", "200"));

            assertThat(counts).extracting(Counts::deadLettered, Counts::lost).containsExactly(1L, 0L);
            assertThat(counts.balanced()).isTrue();
            assertThat(counts.complete()).isFalse();
        }

        @Test
        void reconcile_whenRawLineOnTransformerQueue_countsDeadLettered() {
            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(INVALID))
                    .deadLetteredRawLine(bytes(PAYMENT)));

            assertThat(counts.deadLettered()).isEqualTo(1);
            assertThat(counts.balanced()).isTrue();
        }

        @Test
        void reconcile_whenDeadLetteredRawLineDamaged_countsLost() {
            Counts counts = ledger.reconcile(new Places()
                    .output(processed(PAGE_VIEW))
                    .output(processed(SENSOR))
                    .quarantined(BAD, "invalid_json", bytes(INVALID))
                    .deadLetteredRawLine(bytes(PAYMENT.replace("12.50", "12.5"))));

            assertThat(counts.lost()).isEqualTo(1);
        }
    }

    @Nested
    class Aggregates {
        @Test
        void reconcile_whenCorruptAggregateQuarantinedWhole_accountsForEachUserRecord() {
            RecordLedger aggregated = new RecordLedger();
            aggregated.accepted(new Position("shard-0", "7", 0), bytes(PAYMENT));
            aggregated.accepted(new Position("shard-0", "7", 1), bytes(SENSOR));

            Counts counts = aggregated.reconcile(new Places()
                    .quarantined(
                            new Position("shard-0", "7", RecordLedger.NOT_AGGREGATED),
                            RecordLedger.KPL_CORRUPT,
                            bytes("x")));

            assertThat(counts)
                    .extracting(Counts::failed, Counts::lost, Counts::unknown)
                    .containsExactly(2L, 0L, 0L);
        }

        @Test
        void reconcile_whenProducerSentTheSameEventTwice_oneRowServesBoth() {
            RecordLedger twice = new RecordLedger();
            twice.accepted(new Position("shard-0", "1", RecordLedger.NOT_AGGREGATED), bytes(SENSOR));
            twice.accepted(new Position("shard-0", "2", RecordLedger.NOT_AGGREGATED), bytes(SENSOR));

            Counts counts = twice.reconcile(new Places().output(processed(SENSOR)));

            assertThat(counts).extracting(Counts::output, Counts::duplicated).containsExactly(2L, 0L);
        }
    }

    @Nested
    class CompactStorage {
        /** A real Kinesis sequence number: 56 decimal digits, beyond a long. */
        private static final String AWS_SEQUENCE = "49590338271490256608559692538361571095921575989136588898";

        @Test
        void preallocated_whenRecordsAccepted_footprintDoesNotGrow() {
            RecordLedger compact = RecordLedger.preallocated(1000);
            long before = compact.footprintBytes();

            for (int i = 0; i < 1000; i++) {
                compact.accepted(
                        new Position("shard-0", Integer.toString(i + 1), RecordLedger.NOT_AGGREGATED),
                        bytes(SENSOR.replace("s-1", "s-" + i)));
            }

            assertThat(compact.footprintBytes()).isEqualTo(before).isLessThanOrEqualTo(1000L * 70);
            assertThat(compact.size()).isEqualTo(1000);
        }

        @Test
        void preallocated_whenOneRecordMoreThanSized_refusesIt() {
            RecordLedger compact = RecordLedger.preallocated(1);
            compact.accepted(PV, bytes(PAGE_VIEW));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> compact.accepted(PAY, bytes(PAYMENT)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("preallocated for 1 records");
        }

        @Test
        void reconcile_whenAwsLengthSequenceNumbers_matchesLabelsAndRanges() {
            RecordLedger compact = RecordLedger.preallocated(2);
            Position quarantined = new Position("shardId-000000000001", AWS_SEQUENCE, RecordLedger.NOT_AGGREGATED);
            String next = new java.math.BigInteger(AWS_SEQUENCE)
                    .add(java.math.BigInteger.TWO)
                    .toString();
            compact.accepted(quarantined, bytes(INVALID));
            compact.accepted(new Position("shardId-000000000001", next, 3), bytes(PAYMENT));

            Counts counts = compact.reconcile(new Places()
                    .quarantined(quarantined, "invalid_json", bytes(INVALID))
                    .deadLetteredBatch("shardId-000000000001", next, next));

            assertThat(counts)
                    .extracting(Counts::failed, Counts::deadLettered, Counts::lost, Counts::unknown)
                    .containsExactly(1L, 1L, 0L, 0L);
        }

        @Test
        void reconcile_whenSequenceNumberNotCanonical_keepsItsText() {
            RecordLedger odd = new RecordLedger();
            Position leadingZero = new Position("shard-0", "007", RecordLedger.NOT_AGGREGATED);
            odd.accepted(leadingZero, bytes(INVALID));

            Counts counts = odd.reconcile(new Places().quarantined(leadingZero, "invalid_json", bytes(INVALID)));

            assertThat(counts).extracting(Counts::failed, Counts::unknown).containsExactly(1L, 0L);
        }

        @Test
        void growable_whenMoreRecordsThanInitialArrays_keepsEveryOne() {
            RecordLedger grown = new RecordLedger();
            Places places = new Places();
            for (int i = 0; i < 3000; i++) {
                String event = SENSOR.replace("s-1", "s-" + i);
                grown.accepted(
                        new Position("shard-" + (i % 3), Integer.toString(i), RecordLedger.NOT_AGGREGATED),
                        bytes(event));
                places.output(processed(event));
            }

            Counts counts = grown.reconcile(places);

            assertThat(counts)
                    .extracting(Counts::in, Counts::output, Counts::lost, Counts::unknown)
                    .containsExactly(3000L, 3000L, 0L, 0L);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
