package dev.tributary.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration Tributary uses, built once per container.
 *
 * <ul>
 *   <li>Duplicate keys are an error: an event whose {@code event_id} appears twice is ambiguous, not valid.</li>
 *   <li>Floats are read as {@code BigDecimal} with their trailing zeros, so a record re-serialised by Tributary
 *       keeps its exact digits ({@code 12.50} stays {@code 12.50}: a price is not a float).</li>
 *   <li>Nesting is capped at 64 levels: events are shallow, and deep nesting is an attack, not data.</li>
 * </ul>
 */
public final class Json {
    /** Maximum nesting depth of an event. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Jackson strips BigDecimal trailing zeros in trees by default, which would turn 12.50 into 12.5.
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {}

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
