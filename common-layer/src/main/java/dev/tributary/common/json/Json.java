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
 *   <li>Every read limit is set here explicitly (not left to Jackson's defaults, which change between versions),
 *       because each is part of the event contract (README) with its own quarantine reason: nesting depth
 *       ({@code too_deep}), number length ({@code number_too_large}), string length ({@code string_too_long}),
 *       property name length ({@code name_too_long}). Events are shallow and small: exceeding one is an attack or
 *       a bug, not data.</li>
 * </ul>
 */
public final class Json {
    /** Maximum nesting depth of an event: objects and arrays, the event itself is level 1. */
    public static final int MAX_NESTING_DEPTH = 64;
    /**
     * Most digits in a number literal (integer, fraction and exponent digits together; sign, point and {@code e} not
     * counted): Jackson's default, made explicit.
     */
    public static final int MAX_NUMBER_LENGTH = 1000;
    /**
     * Longest string value, in characters (UTF-16 units, after unescaping). Equal to the default record limit, so it
     * only matters when {@code MAX_RECORD_BYTES} is raised: a string may then not grow with it.
     */
    public static final int MAX_STRING_LENGTH = 1024 * 1024;
    /** Longest property name, in characters: Jackson's default, made explicit. */
    public static final int MAX_NAME_LENGTH = 50_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
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
