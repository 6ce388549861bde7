package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.toolkit.SamTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GlueSparkSettingsTest {
    private static final Map<String, String> ENV =
            Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_REGION", "eu-west-1");

    @Nested
    class Conf {
        @Test
        void conf_whenSeveralSettingsInOneValue_splitsThemLikeGlue() {
            Map<String, String> conf = GlueSparkSettings.conf(
                    Map.of("--conf", "spark.a=1\n --conf spark.b=x=y --conf spark.c=s3://b/curated/"));

            assertThat(conf)
                    .containsExactly(
                            Map.entry("spark.a", "1"),
                            Map.entry("spark.b", "x=y"),
                            Map.entry("spark.c", "s3://b/curated/"));
        }

        @Test
        void conf_whenASettingHasNoValue_fails() {
            assertThatThrownBy(() -> GlueSparkSettings.conf(Map.of("--conf", "spark.a=1 --conf spark.b")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("spark.b");
        }
    }

    @Nested
    class SubmitArguments {
        @Test
        void submitArguments_whenTheTemplatesJob_addsIcebergJarsAndPointsItsCatalogAtTheEmulator() {
            Object conf = SamTemplate.map(SamTemplate.map(SamTemplate.load(SamTemplate.locate())
                                    .resource("CurationJob")
                                    .properties()
                                    .get("DefaultArguments"))
                            .get("--conf"))
                    .get("Fn::Sub");
            Map<String, String> arguments = Map.of(
                    "--datalake-formats",
                    "iceberg",
                    "--conf",
                    String.valueOf(conf).replace("${CuratedBucket}", "bucket"));

            List<String> args = List.of(GlueSparkSettings.submitArguments(arguments, "/j/a.jar,/j/b.jar", ENV)
                    .split(" "));

            assertThat(args)
                    .startsWith("--jars", "/j/a.jar,/j/b.jar")
                    .endsWith("pyspark-shell")
                    .contains(
                            "spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog",
                            "spark.sql.catalog.glue_catalog.glue.endpoint=http://127.0.0.1:4566",
                            "spark.sql.catalog.glue_catalog.s3.endpoint=http://127.0.0.1:4566",
                            "spark.sql.catalog.glue_catalog.s3.path-style-access=true",
                            "spark.sql.catalog.glue_catalog.client.region=eu-west-1",
                            "spark.sql.catalog.glue_catalog.warehouse=s3://bucket/curated/");
        }

        @Test
        void submitArguments_whenIcebergIsAskedForWithoutJars_failsNamingTheVariable() {
            assertThatThrownBy(
                            () -> GlueSparkSettings.submitArguments(Map.of("--datalake-formats", "iceberg"), null, ENV))
                    .hasMessageContaining("TRIBUTARY_ICEBERG_JARS");
        }
    }
}
