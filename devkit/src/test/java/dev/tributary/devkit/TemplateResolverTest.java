package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.toolkit.SamTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateResolverTest {
    private final TemplateResolver resolver = new TemplateResolver(
            Map.of("NamePrefix", "demo", "AWS::Region", "eu-west-1", "KmsKeyArn", "", "Mode", "PROVISIONED"),
            Map.of(
                    "CreateKey",
                    Map.of("Fn::Equals", List.of(Map.of("Ref", "KmsKeyArn"), "")),
                    "IsOnDemand",
                    Map.of("Fn::Equals", List.of(Map.of("Ref", "Mode"), "ON_DEMAND"))),
            logicalId -> "physical-" + logicalId,
            (logicalId, attribute) -> logicalId + "." + attribute);

    @Test
    void resolve_whenSubWithParametersAndAttributes_substitutesEach() {
        assertThat(resolver.resolve(Map.of("Fn::Sub", "${NamePrefix}-raw-${AWS::Region}/${Bucket.Arn}")))
                .isEqualTo("demo-raw-eu-west-1/Bucket.Arn");
    }

    @Test
    void resolve_whenIfWithNoValue_dropsTheKey() {
        Object resolved = resolver.resolve(Map.of(
                "A", Map.of("Fn::If", List.of("IsOnDemand", "x", Map.of("Ref", "AWS::NoValue"))),
                "B", Map.of("Fn::If", List.of("CreateKey", Map.of("Ref", "Key"), "other"))));

        assertThat(resolved).isEqualTo(Map.of("B", "physical-Key"));
    }

    @Test
    void resolve_whenUnknownFunction_failsNamingIt() {
        assertThatThrownBy(() -> resolver.resolve(Map.of("Fn::ImportValue", "x")))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Fn::ImportValue");
    }

    @Test
    void load_whenProjectTemplate_readsShortFormTagsAsFunctions() {
        SamTemplate template = SamTemplate.load(SamTemplate.locate());

        SamTemplate.Resource processor = template.resource("KinesisProcessorFunction");
        Map<String, Object> variables = SamTemplate.map(
                SamTemplate.map(processor.properties().get("Environment")).get("Variables"));

        assertThat(variables.get("RAW_BUCKET")).isEqualTo(Map.of("Ref", "RawBucket"));
        assertThat(template.resources("AWS::DynamoDB::Table"))
                .extracting(SamTemplate.Resource::logicalId)
                .contains("MetadataTable", "CheckpointTable");
        assertThat(template.parameterDefaults()).containsKey("KinesisBatchSize");
    }
}
