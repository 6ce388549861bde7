package dev.tributary.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.OutputFormat;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadCheckTest {
    private static final EventSchemas SCHEMAS = new EventSchemas();

    /** Values every property of every shipped schema is set to, one at a time: the edges of each keyword. */
    private static final List<String> VALUES = List.of(
            "null",
            "true",
            "[]",
            "{}",
            "[\"a\"]",
            "0",
            "-1",
            "1",
            "3600000",
            "3600001",
            "-3600001",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "1.0",
            "0.5",
            "-0.0",
            "1e3",
            "3600000.0000000001",
            "1E+400",
            "\"\"",
            "\"a\"",
            "\"EUR\"",
            "\"eur\"",
            "\"EURO\"",
            "\"EUR\\n\"",
            "\"12.50\"",
            "\"-0.1234\"",
            "\"01.5\"",
            "\"1.23456\"",
            "\"1234567890123456\"",
            "\"captured\"",
            "\"Captured\"",
            "\"captured \"",
            "\"temperature\"",
            "\"Temperature\"",
            "\"t\\n\"",
            "\"1234\"",
            "\"123\"",
            "\"12345\"",
            "\"https://shop.example.com/cart?id=7\"",
            "\"http://a\"",
            "\"https://\"",
            "\"https://a b\"",
            "\"https://a\\u00a0b\"",
            "\"https://a\\n\"",
            "\"ftp://a\"",
            "\"https://caf\u00e9.fr/\"",
            "\"\\ud83d\\ude00\"",
            "\"" + "x".repeat(16) + "\"",
            "\"" + "x".repeat(17) + "\"",
            "\"" + "x".repeat(128) + "\"",
            "\"" + "x".repeat(129) + "\"",
            "\"" + "\\ud83d\\ude00".repeat(100) + "\"",
            "\"" + "\\ud83d\\ude00".repeat(64) + "\"",
            "\"" + "\\ud83d\\ude00".repeat(65) + "\"",
            "\"https://a/" + "x".repeat(2038) + "\"",
            "\"https://a/" + "x".repeat(2039) + "\"");

    private static final Map<String, String> VALID = Map.of(
            "page_view",
            "{\"page_url\":\"https://shop.example.com/p/1?q=2\",\"tti_ms\":1830,\"ttar_ms\":412,"
                    + "\"user_id\":\"u-1\",\"user_agent\":\"Mozilla/5.0\",\"context\":\"anything\"}",
            "payment",
            "{\"transaction_id\":\"t-1\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"status\":\"captured\","
                    + "\"customer_id\":\"c-1\",\"card_last4\":\"4242\"}",
            "sensor_reading",
            "{\"device_id\":\"d-1\",\"metric\":\"temperature\",\"value\":21.5,\"unit\":\"C\"}",
            "some_new_type",
            "{\"anything\":[1,2,{\"x\":null}]}");

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static EventSchemas.Payload payload(String type) {
        return SCHEMAS.payload(type).orElseThrow();
    }

    @Nested
    class Compile {
        @ParameterizedTest
        @ValueSource(strings = {"page_view", "payment", "sensor_reading", "some_new_type"})
        void compile_whenShippedSchema_compiles(String type) {
            assertThat(payload(type).check())
                    .as("the shipped %s schema compiles", type)
                    .isNotNull();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{\"type\":\"object\",\"additionalProperties\":false}",
                    "{\"type\":[\"string\",\"null\"]}",
                    "{\"type\":\"string\",\"format\":\"uri\"}",
                    "{\"type\":\"string\",\"pattern\":\"[a-z]+\"}",
                    "{\"type\":\"string\",\"pattern\":\"^a$|^b$\"}",
                    "{\"type\":\"string\",\"pattern\":\"^\\\\p{L}+$\"}",
                    "{\"type\":\"number\",\"minimum\":0.5}",
                    "{\"enum\":[1,2]}",
                    "{\"properties\":{\"a\":{\"$ref\":\"#/x\"}}}",
                    "true"
                })
        void compile_whenKeywordOutsideTheSubset_doesNotCompile(String schema) {
            assertThat(PayloadCheck.compile(json(schema))).isEmpty();
        }
    }

    @Nested
    class CertainlyValid {
        @ParameterizedTest
        @ValueSource(strings = {"page_view", "payment", "sensor_reading", "some_new_type"})
        void certainlyValid_whenTypicalPayload_isTrue(String type) {
            JsonNode typical = json(VALID.get(type));

            assertThat(payload(type).schema().validate(typical, OutputFormat.BOOLEAN))
                    .isTrue();
            assertThat(payload(type).check().certainlyValid(typical)).isTrue();
        }

        @Test
        void certainlyValid_whenNonAsciiTextAgainstPattern_isNotSure() {
            JsonNode accented = json("{\"page_url\":\"https://caf\u00e9.example/\",\"tti_ms\":1,\"ttar_ms\":1}");

            assertThat(payload("page_view").check().certainlyValid(accented)).isFalse();
            assertThat(payload("page_view").accepts(accented)).isTrue(); // the validator decides
        }

        /**
         * The property that makes the check safe: whenever it is sure, the validator agrees. Every property of every
         * shipped schema is set to every edge value, and each required property removed, one at a time.
         */
        @ParameterizedTest
        @ValueSource(strings = {"page_view", "payment", "sensor_reading", "some_new_type"})
        void certainlyValid_whenSure_theValidatorAgrees(String type) {
            EventSchemas.Payload schema = payload(type);
            ObjectNode base = (ObjectNode) json(VALID.get(type));
            List<JsonNode> variants = new ArrayList<>();
            variants.add(json("[]"));
            variants.add(json("\"x\""));
            variants.add(json("null"));
            List<String> properties = new ArrayList<>();
            base.fieldNames().forEachRemaining(properties::add);
            properties.add("unknown_property");
            for (String property : properties) {
                ObjectNode without = base.deepCopy();
                without.remove(property);
                variants.add(without);
                for (String value : VALUES) {
                    ObjectNode changed = base.deepCopy();
                    changed.set(property, json(value));
                    variants.add(changed);
                }
            }
            int sure = 0;
            int invalid = 0;
            for (JsonNode variant : variants) {
                boolean valid = schema.schema().validate(variant, OutputFormat.BOOLEAN);
                invalid += valid ? 0 : 1;
                if (schema.check().certainlyValid(variant)) {
                    sure++;
                    assertThat(valid)
                            .as("the validator accepts %s, since the check is sure", variant)
                            .isTrue();
                }
            }
            assertThat(sure).as("the check is sure of many variants").isGreaterThan(variants.size() / 10);
            if (!type.equals("some_new_type")) {
                assertThat(invalid).as("the corpus has invalid payloads").isGreaterThan(variants.size() / 10);
            }
        }
    }
}
