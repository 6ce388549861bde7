package dev.tributary.common.fuzz;

/**
 * Entry point for Jazzer's standalone driver ({@code scripts/fuzz.sh}), which fuzzes for a bounded time. Jazzer's
 * JUnit fuzzing mode does not run on JUnit 6 yet; its regression mode does ({@link EventDecoderFuzzIT}).
 */
public final class EventDecoderFuzzer {
    private static final EventDecoderFuzzIT TARGET = new EventDecoderFuzzIT();

    private EventDecoderFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        TARGET.decode(data);
    }
}
