package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventIdSetTest {

    @Test
    void add_whenIdRepeats_returnsFalseOnlyForTheRepeat() {
        EventIdSet ids = new EventIdSet();

        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("b")).isTrue();
        assertThat(ids.add("a")).isFalse();
        assertThat(ids.size()).isEqualTo(2);
    }

    @Test
    void add_whenManyIds_growsAndKeepsEveryOne() {
        EventIdSet ids = new EventIdSet();
        for (int i = 0; i < 100_000; i++) {
            assertThat(ids.add("event-" + i)).isTrue();
        }
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(ids.add("event-" + i)).isFalse();
        }
        assertThat(ids.size()).isEqualTo(100_000);
    }
}
