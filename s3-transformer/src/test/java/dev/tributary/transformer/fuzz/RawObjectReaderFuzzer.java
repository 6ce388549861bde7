package dev.tributary.transformer.fuzz;

/** Entry point for Jazzer's standalone driver ({@code scripts/fuzz.sh}); see {@link RawObjectReaderFuzzIT}. */
public final class RawObjectReaderFuzzer {
    private static final RawObjectReaderFuzzIT TARGET = new RawObjectReaderFuzzIT();

    private RawObjectReaderFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        TARGET.read(data);
    }
}
