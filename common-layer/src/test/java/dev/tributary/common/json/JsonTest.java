package dev.tributary.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readTree_whenDecimalsHaveTrailingZeros_reserialisesTheExactDigits() throws Exception {
        String json = "{\"amount\":12.50,\"value\":-0.100,\"big\":123456789012345678901234567890.10}";

        assertThat(Json.mapper().readTree(json).toString()).isEqualTo(json);
    }

    @Test
    void readTree_whenAKeyRepeats_failsNamingIt() {
        assertThatThrownBy(() -> Json.mapper().readTree("{\"event_id\":\"a\",\"event_id\":\"b\"}"))
                .isInstanceOf(JsonParseException.class)
                .hasMessageContaining("Duplicate field 'event_id'");
    }

    @Test
    void readTree_whenNestedDeeperThanTheLimit_fails() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);

        assertThatThrownBy(() -> Json.mapper().readTree(deep))
                .isInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("nesting depth");
    }
}
