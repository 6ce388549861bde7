package dev.tributary.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipJsonLinesWriterTest {

    @Test
    void writeLine_whenRecordsWritten_gunzipsToOneLinePerRecordAndCounts() throws IOException {
        ObjectBuffer buffer = new ObjectBuffer(16);
        GzipJsonLinesWriter writer = new GzipJsonLinesWriter(buffer, 1);
        writer.writeLine("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        writer.writeJson(Json.mapper().readTree("{\n  \"b\" : [1, 2]\n}"));
        writer.close();

        String text = new String(new GZIPInputStream(buffer.newInputStream()).readAllBytes(), StandardCharsets.UTF_8);

        assertThat(text.split("\n", -1)).containsExactly("{\"a\":1}", "{\"b\":[1,2]}", "");
        assertThat(writer.records()).isEqualTo(2);
        assertThat(writer.uncompressedBytes()).isEqualTo(text.length());
    }

    @Test
    void writeLine_whenRecordSpansLines_refuses() throws IOException {
        GzipJsonLinesWriter writer = new GzipJsonLinesWriter(new ObjectBuffer(16));

        assertThatThrownBy(() -> writer.writeLine("{\"a\":\n1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a JSON Lines record must not contain a line break");
    }

    @Test
    void objectBuffer_sha256_matchesDigestOfContents() throws Exception {
        ObjectBuffer buffer = new ObjectBuffer(4);
        byte[] data = "some bytes that outgrow the initial capacity".getBytes(StandardCharsets.UTF_8);
        buffer.write(data, 0, data.length);

        String expected = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(data));

        assertThat(buffer.sha256Base64()).isEqualTo(expected);
        assertThat(buffer.toByteArray()).isEqualTo(data);
        assertThat(new ByteArrayInputStream(buffer.toByteArray()).readAllBytes())
                .hasSize(buffer.length());
        assertThat(List.of(
                        buffer.newInputStream().readAllBytes().length,
                        buffer.newInputStream().readAllBytes().length))
                .containsExactly(data.length, data.length);
    }
}
