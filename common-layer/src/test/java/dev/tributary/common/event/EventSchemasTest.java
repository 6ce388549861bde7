package dev.tributary.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventSchemasTest {
    /** The schemas' own class loader, recording which schema files are read. */
    static final class RecordingLoader extends ClassLoader {
        final List<String> read = new ArrayList<>();

        RecordingLoader() {
            super(EventSchemas.class.getClassLoader());
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            synchronized (read) {
                read.add(name);
            }
            return super.getResourceAsStream(name);
        }
    }

    @Nested
    class Construction {
        @Test
        void new_whenCreated_compilesTheEnvelopeAndTheDefaultOnly() {
            RecordingLoader loader = new RecordingLoader();

            new EventSchemas(loader);

            // The envelope (every record needs it) and the default at init: under SnapStart init work is in the
            // snapshot, and a broken default fails the init, not some later record. Per-type schemas wait for their
            // first record (a lazy default measured below this machine's noise at cold start).
            assertThat(loader.read)
                    .containsExactly("schemas/envelope.schema.json", "schemas/events/_default.schema.json");
        }
    }

    @Nested
    class PayloadSchema {
        @Test
        void payloadSchema_whenTypeHasItsOwn_readsThatSchemaOnceAndNotTheDefault() {
            RecordingLoader loader = new RecordingLoader();
            EventSchemas schemas = new EventSchemas(loader);

            assertThat(schemas.payloadSchema("page_view")).isPresent();
            assertThat(schemas.payloadSchema("page_view")).isPresent();

            assertThat(loader.read)
                    .containsExactly(
                            "schemas/envelope.schema.json",
                            "schemas/events/_default.schema.json",
                            "schemas/events/page_view.schema.json");
        }

        @Test
        void payloadSchema_whenTypesHaveNoneOfTheirOwn_compileTheDefaultOnceForAll() {
            RecordingLoader loader = new RecordingLoader();
            EventSchemas schemas = new EventSchemas(loader);

            var first = schemas.payloadSchema("brand_new_type");
            var second = schemas.payloadSchema("another_new_type");

            assertThat(first).isPresent();
            assertThat(second.orElseThrow()).isSameAs(first.orElseThrow());
            assertThat(loader.read)
                    .containsExactly(
                            "schemas/envelope.schema.json",
                            "schemas/events/_default.schema.json",
                            "schemas/events/brand_new_type.schema.json",
                            "schemas/events/another_new_type.schema.json");
        }

        @Test
        void payloadSchema_whenTypeIsUnknown_theDefaultRejectsANonObjectPayload() {
            EventSchemas schemas = new EventSchemas(new RecordingLoader());
            var payload =
                    dev.tributary.common.json.Json.mapper().getNodeFactory().textNode("not an object");

            assertThat(schemas.payloadSchema("brand_new_type").orElseThrow().validate(payload))
                    .isNotEmpty();
        }
    }
}
