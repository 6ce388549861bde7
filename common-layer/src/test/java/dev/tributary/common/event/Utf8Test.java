package dev.tributary.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void firstInvalidOffset_whenAsciiAndMultibyte_returnsMinusOne() {
        assertThat(Utf8.firstInvalidOffset("plain ascii".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(-1);
        assertThat(Utf8.firstInvalidOffset("ü € 😀 例".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(-1);
    }

    @Test
    void firstInvalidOffset_whenTruncatedSequenceAtEnd_pointsAtItsLeadByte() {
        byte[] euro = "a€".getBytes(StandardCharsets.UTF_8);
        byte[] truncated = java.util.Arrays.copyOf(euro, euro.length - 1);

        assertThat(Utf8.firstInvalidOffset(truncated)).isEqualTo(1);
    }

    @Test
    void firstInvalidOffset_agreesWithJdkStrictDecoder_onRandomBytes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] bytes = new byte[random.nextInt(1, 12)];
            for (int i = 0; i < bytes.length; i++) {
                // Bias towards the interesting range so multi-byte sequences actually occur.
                bytes[i] = (byte) (random.nextBoolean() ? random.nextInt(0x80, 0x100) : random.nextInt(0, 0x80));
            }
            assertThat(Utf8.firstInvalidOffset(bytes) < 0)
                    .as("bytes %s", java.util.HexFormat.ofDelimiter(" ").formatHex(bytes))
                    .isEqualTo(jdkAccepts(bytes));
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
