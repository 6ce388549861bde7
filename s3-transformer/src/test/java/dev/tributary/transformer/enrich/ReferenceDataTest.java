package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReferenceDataTest {
    static final URI DEVICES = URI.create("s3://ref/reference/devices.csv");
    static final URI MERCHANTS = URI.create("s3://ref/reference/merchants.json");

    @Test
    void lookup_whenCsvWithQuotes_findsRowsByFirstColumnAndLoadsOnce() {
        AtomicInteger reads = new AtomicInteger();
        ReferenceData data = new ReferenceData(
                Map.of("devices", DEVICES),
                (uri, max) -> {
                    reads.incrementAndGet();
                    return "device_id,site,model\r\ndev-1,\"Berlin, DE\",T-100\r\ndev-2,\"Say \"\"hi\"\"\",T-200\r\n"
                            .getBytes(StandardCharsets.UTF_8);
                },
                1024);

        assertThat(data.lookup("devices", "dev-1").get("site").asText()).isEqualTo("Berlin, DE");
        assertThat(data.lookup("devices", "dev-2").get("site").asText()).isEqualTo("Say \"hi\"");
        assertThat(data.lookup("devices", "dev-3")).isNull();
        assertThat(reads).hasValue(1);
    }

    @Test
    void lookup_whenJsonTable_returnsRowObjects() {
        ReferenceData data = new ReferenceData(
                Map.of("merchants", MERCHANTS),
                (uri, max) -> "{\"m-1\":{\"name\":\"Corner Shop\",\"mcc\":5411}}".getBytes(StandardCharsets.UTF_8),
                1024);

        assertThat(data.lookup("merchants", "m-1").get("mcc").asInt()).isEqualTo(5411);
    }

    @Test
    void lookup_whenTableCannotBeParsed_throwsLoadExceptionNamingTheTable() {
        ReferenceData data = new ReferenceData(
                Map.of("devices", DEVICES), (uri, max) -> "id,a\nx,1,2\n".getBytes(StandardCharsets.UTF_8), 1024);

        assertThatThrownBy(() -> data.lookup("devices", "x"))
                .isInstanceOf(ReferenceData.LoadException.class)
                .hasMessageContaining("devices")
                .hasMessageContaining("line 2");
    }

    @Test
    void parseUri_whenNotS3JsonOrCsv_refuses() {
        assertThatThrownBy(() -> ReferenceData.parseUri("https://x/y.csv", "where"))
                .hasMessageContaining("where");
        assertThatThrownBy(() -> ReferenceData.parseUri("s3://bucket/table.parquet", "where"))
                .hasMessageContaining("json or .csv");
    }
}
