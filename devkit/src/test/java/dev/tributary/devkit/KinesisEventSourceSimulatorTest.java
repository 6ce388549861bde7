package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Rules of {@link KinesisEventSourceSimulator} that moto cannot exercise: resharding as Kinesis documents it (moto
 * 5.2.5 keeps routing writes to closed shards, see {@code KinesisEventSourceSimulatorIT.Resharding}).
 */
class KinesisEventSourceSimulatorTest {
    private static final String ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/resharding";

    @Nested
    class ParentsFirst {
        @Test
        void parentsFirst_whenChildrenAreListedBeforeTheirParents_ordersEveryParentBeforeItsChildren() {
            Shard merged = shard("shardId-000000000003", "shardId-000000000001", "shardId-000000000002");
            Shard left = shard("shardId-000000000001", "shardId-000000000000", null);
            Shard right = shard("shardId-000000000002", "shardId-000000000000", null);
            Shard root = shard("shardId-000000000000", null, null);

            List<String> order = KinesisShardReader.parentsFirst(List.of(merged, right, left, root)).stream()
                    .map(Shard::shardId)
                    .toList();

            assertThat(order)
                    .containsExactly(
                            "shardId-000000000000",
                            "shardId-000000000001",
                            "shardId-000000000002",
                            "shardId-000000000003");
        }

        @Test
        void parentsFirst_whenAParentHasExpiredFromTheListing_keepsTheChild() {
            Shard orphan = shard("shardId-000000000005", "shardId-000000000004", null);

            assertThat(KinesisShardReader.parentsFirst(List.of(orphan))).containsExactly(orphan);
        }

        private static Shard shard(String id, String parent, String adjacentParent) {
            return Shard.builder()
                    .shardId(id)
                    .parentShardId(parent)
                    .adjacentParentShardId(adjacentParent)
                    .build();
        }
    }

    @Nested
    class Resharding {
        @Test
        void drain_whenShardIsSplitAndMergedMidStream_drainsParentsFirstAndDeliversEachRecordOnceInKeyOrder() {
            DocumentedReshardingStream stream = new DocumentedReshardingStream();
            List<String> keys = List.of("a", "b", "c", "d", "e", "f", "g", "h");
            put(stream, keys, 0);
            List<String> delivered = new ArrayList<>();
            List<String> shardOfInvocation = new ArrayList<>();
            List<String> children = new ArrayList<>();
            String[] merged = new String[1];
            int[] invocation = {0};
            KinesisEventSourceSimulator.Handler handler = event -> {
                shardOfInvocation.add(event.getRecords().getFirst().getEventID().split(":")[0]);
                event.getRecords().forEach(record -> delivered.add(data(record)));
                invocation[0]++;
                if (invocation[0] == 1) {
                    // Mid-stream, while the parent is being read: more writes land in the parent, then it splits
                    // and later writes go to the children.
                    put(stream, keys, 1);
                    children.addAll(stream.split("shardId-000000000000"));
                    put(stream, keys, 2);
                } else if (merged[0] == null && shardOfInvocation.getLast().equals(children.getLast())) {
                    put(stream, keys, 3);
                    merged[0] = stream.merge(children.get(0), children.get(1));
                    put(stream, keys, 4);
                }
                return new StreamsEventResponse();
            };

            var report = new KinesisEventSourceSimulator(
                            stream,
                            Optional.empty(),
                            Region.US_EAST_1,
                            new KinesisEventSourceSimulator.Settings(3, 0, false))
                    .drain("resharding", ARN, handler, null);

            assertThat(merged[0]).as("the merge happened during the drain").isNotNull();
            int lastParent = shardOfInvocation.lastIndexOf("shardId-000000000000");
            for (String child : children) {
                assertThat(shardOfInvocation.indexOf(child))
                        .as("first batch of %s", child)
                        .isGreaterThan(lastParent);
                assertThat(shardOfInvocation.lastIndexOf(child))
                        .as("last batch of %s", child)
                        .isLessThan(shardOfInvocation.indexOf(merged[0]));
            }
            for (String key : keys) {
                assertThat(delivered)
                        .as("key %s", key)
                        .filteredOn(data -> data.startsWith(key + ":"))
                        .containsExactly(key + ":0", key + ":1", key + ":2", key + ":3", key + ":4");
            }
            assertThat(delivered).hasSize(keys.size() * 5).doesNotHaveDuplicates();
            assertThat(report.records()).isEqualTo(keys.size() * 5);
        }

        private static void put(DocumentedReshardingStream stream, List<String> keys, int index) {
            keys.forEach(key -> stream.put(key, key + ":" + index));
        }

        private static String data(KinesisEvent.KinesisEventRecord record) {
            return StandardCharsets.UTF_8
                    .decode(record.getKinesis().getData().duplicate())
                    .toString();
        }
    }
}
