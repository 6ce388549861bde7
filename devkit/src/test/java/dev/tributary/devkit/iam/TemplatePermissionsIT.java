package dev.tributary.devkit.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.toolkit.SamTemplate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the template's roles may and may not do, asked of the same policy evaluation the gate applies to every
 * request (role policies, bucket policies, key policy): the permissions no function call exercises, such as who can
 * replace the Glue job's code.
 */
class TemplatePermissionsIT {
    private static LocalDeployment deployment;
    private static String curated;
    private static String raw;
    private static String processed;

    @BeforeAll
    static void deploy() {
        deployment = LocalDeployment.deploy(
                SamTemplate.load(SamTemplate.locate()),
                AwsEmulator.get(),
                "perm-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of());
        curated = "arn:aws:s3:::" + deployment.physicalId("CuratedBucket");
        raw = "arn:aws:s3:::" + deployment.physicalId("RawBucket");
        processed = "arn:aws:s3:::" + deployment.physicalId("ProcessedBucket");
    }

    private static boolean allowed(RolePrincipal who, String action, String resource) {
        return deployment
                        .iamGate()
                        .authorize(who, IamAction.direct(action, resource))
                        .decision()
                == IamPolicyEvaluator.Decision.ALLOWED;
    }

    @Nested
    class GlueJobCode {
        private final String code = curated + "/glue/lib/tributary_glue.zip";

        @Test
        void authorize_whenGlueJobRoleWritesItsOwnPackage_isDenied() {
            RolePrincipal job = deployment.roleSession("GlueJobRole");
            assertThat(allowed(job, "s3:GetObject", code))
                    .as("the job reads its package")
                    .isTrue();
            assertThat(allowed(job, "s3:PutObject", code)).isFalse();
            assertThat(allowed(job, "s3:DeleteObject", code)).isFalse();
        }

        @Test
        void authorize_whenOrchestratorWritesAnythingButManifests_isDenied() {
            RolePrincipal orchestrator = deployment.session("GlueOrchestratorFunction");
            assertThat(allowed(orchestrator, "s3:PutObject", curated + "/glue/manifests/job/w1.json"))
                    .isTrue();
            assertThat(allowed(orchestrator, "s3:PutObject", code)).isFalse();
            assertThat(allowed(orchestrator, "s3:PutObject", curated + "/glue/runs/job/w1/summary.json"))
                    .isFalse();
            assertThat(allowed(orchestrator, "s3:PutObject", curated + "/curated/x.parquet"))
                    .isFalse();
        }

        @Test
        void authorize_whenGlueJobWritesItsOutputsAndRunFiles_isAllowed() {
            RolePrincipal job = deployment.roleSession("GlueJobRole");
            assertThat(allowed(job, "s3:PutObject", curated + "/curated/event_type=a/dt=2026-11-22/p.parquet"))
                    .isTrue();
            assertThat(allowed(job, "s3:PutObject", curated + "/glue/runs/job/w1/summary.json"))
                    .isTrue();
            assertThat(allowed(job, "s3:GetObject", curated + "/glue/manifests/job/w1.json"))
                    .isTrue();
            assertThat(allowed(job, "s3:PutObject", curated + "/glue/manifests/job/w1.json"))
                    .isFalse();
        }
    }

    @Nested
    class IcebergCatalog {
        private final String prefix =
                "arn:aws:glue:" + deployment.region() + ":123456789012:"; // LocalDeployment's account

        @Test
        void authorize_whenGlueJobCommitsItsOwnTables_isAllowedAndNothingElseInTheCatalog() {
            RolePrincipal job = deployment.roleSession("GlueJobRole");
            String database = deployment.physicalId("GlueDatabase");
            for (String resource : new String[] {
                prefix + "catalog", prefix + "database/" + database, prefix + "table/" + database + "/curated_page_view"
            }) {
                assertThat(allowed(job, "glue:UpdateTable", resource))
                        .as(resource)
                        .isTrue();
                assertThat(allowed(job, "glue:GetTable", resource)).as(resource).isTrue();
                assertThat(allowed(job, "glue:CreateTable", resource))
                        .as(resource)
                        .isTrue();
                assertThat(allowed(job, "glue:DeleteTable", resource))
                        .as(resource)
                        .isFalse();
            }
            assertThat(allowed(job, "glue:UpdateTable", prefix + "table/other_db/curated_page_view"))
                    .isFalse();
            assertThat(allowed(job, "glue:CreateDatabase", prefix + "database/" + database))
                    .isFalse();
        }

        @Test
        void authorize_whenTableOptimizersRewriteTheTables_stayInsideTheCuratedAndAggregatePrefixes() {
            RolePrincipal optimizer = deployment.roleSession("TableOptimizerRole");
            assertThat(allowed(optimizer, "s3:PutObject", curated + "/curated/page_view/data/dt=2026-11-22/p.parquet"))
                    .isTrue();
            assertThat(allowed(optimizer, "s3:DeleteObject", curated + "/aggregates/payment_totals/metadata/m.json"))
                    .isTrue();
            assertThat(allowed(optimizer, "s3:PutObject", curated + "/glue/lib/tributary_glue.zip"))
                    .isFalse();
            assertThat(allowed(optimizer, "s3:GetObject", processed + "/processed/a.jsonl.gz"))
                    .isFalse();
        }
    }

    @Nested
    class DataBoundaries {
        @Test
        void authorize_whenFunctionsReachOutsideTheirStage_isDenied() {
            RolePrincipal processor = deployment.session("KinesisProcessorFunction");
            RolePrincipal transformer = deployment.session("S3TransformerFunction");
            RolePrincipal job = deployment.roleSession("GlueJobRole");
            assertThat(allowed(processor, "s3:PutObject", raw + "/raw/a.jsonl.gz"))
                    .isTrue();
            assertThat(allowed(processor, "s3:PutObject", processed + "/processed/a.jsonl.gz"))
                    .isFalse();
            assertThat(allowed(processor, "s3:DeleteObject", raw + "/raw/a.jsonl.gz"))
                    .isFalse();
            assertThat(allowed(transformer, "s3:GetObject", raw + "/raw/a.jsonl.gz"))
                    .isTrue();
            assertThat(allowed(transformer, "s3:PutObject", raw + "/raw/a.jsonl.gz"))
                    .isFalse();
            assertThat(allowed(transformer, "s3:GetObject", raw + "/failed/a.jsonl"))
                    .isFalse();
            assertThat(allowed(job, "s3:GetObject", raw + "/raw/a.jsonl.gz"))
                    .as("Glue never touches raw")
                    .isFalse();
        }
    }
}
