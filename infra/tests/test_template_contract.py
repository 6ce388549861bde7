"""Contract tests for infra/template.yaml: the properties the pipeline's error handling, security and the shared
contract (docs/contracts.md) depend on. They read the SAM template as written and the CloudFormation SAM makes
of it (translated offline), so a property set either way is checked where it ends up."""
from __future__ import annotations

import base64
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any, Dict, List

import pytest

from cfn_template import INFRA_DIR, as_list, dependency_graph, find_cycle, iam_statements, referenced_ids, resources_of_type

FUNCTION = "AWS::Serverless::Function"
POLLED_EVENT_TYPES = {"Kinesis", "DynamoDB", "SQS", "MSK", "MQ", "SelfManagedKafka", "DocumentDB"}
EXPECTED_SIZING = {  # module -> (MemorySize, Timeout)
    "kinesis-processor": (1024, 60),
    "s3-transformer": (1769, 300),
    "glue-orchestrator": (512, 60),
}


# ------------------------------------------------------------------------------------------------ helpers
def parameter(template: Dict, value: Any) -> Dict:
    """The parameter a value refers to with Ref, or a pseudo-parameter holding a literal."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        assert value["Ref"] in template["Parameters"], f"Ref to unknown parameter {value}"
        return template["Parameters"][value["Ref"]]
    return {"Default": value, "MinValue": value, "MaxValue": value}


def number_range(template: Dict, value: Any):
    """(default, smallest allowed, largest allowed) of a literal or a Number parameter."""
    spec = parameter(template, value)
    allowed = [float(v) for v in spec.get("AllowedValues", [])]
    low = spec.get("MinValue", min(allowed) if allowed else None)
    high = spec.get("MaxValue", max(allowed) if allowed else None)
    return float(spec["Default"]), None if low is None else float(low), None if high is None else float(high)


def functions(template: Dict):
    return list(resources_of_type(template, FUNCTION))


def module_of(function: Dict) -> str:
    match = re.fullmatch(r"\.\./([a-z0-9-]+)/target/\1\.jar", function["Properties"]["CodeUri"])
    assert match, f"CodeUri {function['Properties']['CodeUri']!r} is not ../<module>/target/<module>.jar"
    return match.group(1)


def ref_target(value: Any) -> str:
    """Logical id a Ref / GetAtt points at (for `!Ref Fn.Alias`, the function)."""
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"].split(".", 1)[0]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return value["Fn::GetAtt"][0]
    raise AssertionError(f"{value!r} is not a Ref or GetAtt")


def key_arn_expression(value: Any) -> bool:
    """True for the template's KMS key expression (created key or KmsKeyArn parameter)."""
    return referenced_ids(value) >= {"KmsKeyArn"} or "DataKey" in referenced_ids(value)


def kinesis_stream_ids(template: Dict) -> List[str]:
    return [logical_id for logical_id, _ in resources_of_type(template, "AWS::Kinesis::Stream")]


FUNCTION_IDS = ["KinesisProcessorFunction", "S3TransformerFunction", "GlueOrchestratorFunction"]
BUCKET_IDS = ["RawBucket", "ProcessedBucket", "CuratedBucket"]
DEAD_LETTER_QUEUE_IDS = ["ProcessorDeadLetterQueue", "TransformerDeadLetterQueue", "OrchestratorDeadLetterQueue"]
QUEUE_IDS = DEAD_LETTER_QUEUE_IDS + ["QuarantineQueue"]
TABLE_IDS = ["MetadataTable", "CheckpointTable"]


def test_resource_inventory(template):
    """The parametrised tests below cover every function, bucket, queue and table the template has."""
    assert sorted(i for i, _ in functions(template)) == sorted(FUNCTION_IDS)
    assert sorted(i for i, _ in resources_of_type(template, "AWS::S3::Bucket")) == sorted(BUCKET_IDS)
    assert sorted(i for i, _ in resources_of_type(template, "AWS::SQS::Queue")) == sorted(QUEUE_IDS)
    assert sorted(i for i, _ in resources_of_type(template, "AWS::DynamoDB::Table")) == sorted(TABLE_IDS)


# ------------------------------------------------------------------------------------------------ stream consumers
def kinesis_mappings(template, transformed):
    """Every Kinesis event source mapping: SAM Kinesis events (as written) and the generated ESMs."""
    mappings = []
    for logical_id, function in functions(template):
        for name, event in function["Properties"].get("Events", {}).items():
            if event["Type"] == "Kinesis":
                mappings.append((f"{logical_id}.{name}", event["Properties"]))
    streams = set(kinesis_stream_ids(transformed))
    for logical_id, mapping in resources_of_type(transformed, "AWS::Lambda::EventSourceMapping"):
        if referenced_ids(mapping["Properties"]["EventSourceArn"]) & streams:
            mappings.append((logical_id, mapping["Properties"]))
    return mappings


def test_there_is_a_kinesis_consumer(template, transformed):
    assert len(kinesis_mappings(template, transformed)) >= 2  # SAM event + generated mapping


@pytest.mark.parametrize("check", ["partial-failures", "bisect", "retries", "record-age", "on-failure", "batching"])
def test_kinesis_event_source_mappings(template, transformed, check):
    for name, props in kinesis_mappings(template, transformed):
        if check == "partial-failures":
            assert "ReportBatchItemFailures" in props.get("FunctionResponseTypes", []), name
        elif check == "bisect":
            assert props.get("BisectBatchOnFunctionError") is True, name
        elif check == "retries":
            assert "MaximumRetryAttempts" in props, f"{name}: unbounded (default -1) retries"
            default, low, high = number_range(template, props["MaximumRetryAttempts"])
            assert low is not None and low >= 0 and default >= 0, f"{name}: retries may be -1 (infinite)"
            assert high is not None and high <= 10000, f"{name}: retries not bounded"
        elif check == "record-age":
            assert "MaximumRecordAgeInSeconds" in props, f"{name}: unbounded (default -1) record age"
            default, low, high = number_range(template, props["MaximumRecordAgeInSeconds"])
            assert low is not None and low >= 60 and default >= 60, f"{name}: record age may be -1 (infinite)"
            assert high is not None and high <= 604800, name
        elif check == "on-failure":
            destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            assert destination, f"{name}: no on-failure destination"
            assert template["Resources"][ref_target(destination)]["Type"] == "AWS::SQS::Queue", name
        elif check == "batching":
            for key in ("BatchSize", "MaximumBatchingWindowInSeconds", "ParallelizationFactor", "StartingPosition"):
                assert key in props, f"{name}: {key} not set"


def test_processor_batching_defaults_are_the_cost_models(template):
    """Largest batches Lambda delivers, a 60 s window (processed/ within two minutes), one batch per shard at a time:
    the figures docs/infra.md and docs/performance.md derive (objects per TiB); LargestBatchTest shows the processor
    handles the largest such batch within its memory and timeout."""
    params = template["Parameters"]
    assert params["KinesisBatchSize"]["Default"] == 10000
    assert params["KinesisMaxBatchingWindowSeconds"]["Default"] == 60
    assert params["KinesisParallelizationFactor"]["Default"] == 1
    props = template["Resources"]["KinesisProcessorFunction"]["Properties"]["Events"]["Stream"]["Properties"]
    assert ref_target(props["BatchSize"]) == "KinesisBatchSize"
    assert ref_target(props["MaximumBatchingWindowInSeconds"]) == "KinesisMaxBatchingWindowSeconds"
    assert ref_target(props["ParallelizationFactor"]) == "KinesisParallelizationFactor"


def test_processor_quarantine_notices_do_not_share_the_dead_letter_queue(template):
    """Invalid input is expected at some rate: its notices on the on-failure queue would keep that alarm always on."""
    props = template["Resources"]["KinesisProcessorFunction"]["Properties"]
    destination = props["Events"]["Stream"]["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    variables = props["Environment"]["Variables"]
    assert ref_target(destination) == "ProcessorDeadLetterQueue"
    assert ref_target(variables["QUARANTINE_QUEUE_URL"]) == "QuarantineQueue"
    assert "DEAD_LETTER_QUEUE_URL" not in variables  # Lambda, not the function, writes the on-failure records


def test_processor_role_sends_only_to_its_two_queues(template):
    """Lambda sends on-failure records with the function's role; the function sends quarantine notices."""
    role_id = ref_target(template["Resources"]["KinesisProcessorFunction"]["Properties"]["Role"])
    statements = [st for policy in template["Resources"][role_id]["Properties"]["Policies"]
                  for st in policy["PolicyDocument"]["Statement"]]
    sqs = [st for st in statements if any(str(a).startswith("sqs:") for a in
                                          (st["Action"] if isinstance(st["Action"], list) else [st["Action"]]))]
    assert all(st["Action"] == "sqs:SendMessage" for st in sqs), sqs
    assert sorted(ref_target(st["Resource"]) for st in sqs) == ["ProcessorDeadLetterQueue", "QuarantineQueue"]


def test_quarantine_alarmed_by_rate_not_by_queue_depth(template):
    depth_alarms = [a for _, a in resources_of_type(template, "AWS::CloudWatch::Alarm")
                    if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
                    and any(ref_target(d["Value"]) == "QuarantineQueue" for d in a["Properties"]["Dimensions"])]
    assert not depth_alarms, "a depth alarm on the quarantine queue is always on at any rate of invalid input"
    rate = template["Resources"]["QuarantineRateAlarm"]["Properties"]
    stats = {m["Id"]: m["MetricStat"]["Metric"] for m in rate["Metrics"] if "MetricStat" in m}
    assert {m["MetricName"] for m in stats.values()} == {"RecordsQuarantined", "UserRecordsIn"}
    assert all(m["Namespace"] == "Tributary/KinesisProcessor" for m in stats.values())
    expression = [m for m in rate["Metrics"] if m.get("ReturnData")]
    assert len(expression) == 1 and "quarantined / records" in expression[0]["Expression"]
    assert ref_target(rate["Threshold"]) == "QuarantineRateAlarmPercent"
    assert rate["ComparisonOperator"] == "GreaterThanThreshold" and rate.get("AlarmActions")


# ------------------------------------------------------------------------------------------------ async functions
def is_async(function: Dict) -> bool:
    """Invoked asynchronously unless every trigger is a poller (stream or queue event source)."""
    events = function["Properties"].get("Events", {})
    return not events or any(event["Type"] not in POLLED_EVENT_TYPES for event in events.values())


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_async_functions_have_dead_letter_or_on_failure_destination(template, transformed, function_id):
    function = template["Resources"][function_id]
    props = function["Properties"]
    if not is_async(function):  # only pollers invoke it: each of them needs its own on-failure destination
        for name, event in props["Events"].items():
            assert event["Properties"].get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"), name
        return
    dlq = props.get("DeadLetterQueue", {}).get("TargetArn")
    config = props.get("EventInvokeConfig", {})
    on_failure = config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    assert dlq or on_failure, f"{function_id}: failed async invocations are lost"
    for target in filter(None, [dlq, on_failure]):
        assert template["Resources"][ref_target(target)]["Type"] == "AWS::SQS::Queue"
    if on_failure:
        _, low, high = number_range(template, config["MaximumRetryAttempts"])
        assert 0 <= low and high <= 2
        _, low, high = number_range(template, config["MaximumEventAgeInSeconds"])
        assert 60 <= low and high <= 21600
        configs = [c for _, c in resources_of_type(transformed, "AWS::Lambda::EventInvokeConfig")
                   if ref_target(c["Properties"]["FunctionName"]) == function_id]
        assert configs and configs[0]["Properties"].get("Qualifier") == props["AutoPublishAlias"], \
            f"{function_id}: EventInvokeConfig must apply to the alias the triggers invoke"


# ------------------------------------------------------------------------------------------------ functions
@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_runtime_architecture_snapstart_alias(template, transformed, function_id):
    props = template["Resources"][function_id]["Properties"]
    assert props["Runtime"] == "java25"
    assert props["Architectures"] == ["arm64"]
    assert props.get("SnapStart", {}).get("ApplyOn") == "PublishedVersions"
    assert props.get("AutoPublishAlias"), "SnapStart only applies to published versions: needs an alias"
    assert props.get("AutoPublishAliasAllProperties") is True, "configuration changes must publish a new version"
    aliases = [a for _, a in resources_of_type(transformed, "AWS::Lambda::Alias")
               if ref_target(a["Properties"]["FunctionName"]) == function_id]
    assert len(aliases) == 1 and aliases[0]["Properties"]["Name"] == props["AutoPublishAlias"]


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_handler_and_code_match_contracts(template, contracts, function_id):
    function = template["Resources"][function_id]
    module = module_of(function)
    assert module in contracts["functions"], f"{module} is not a function in docs/contracts.md"
    assert function["Properties"]["Handler"] == contracts["functions"][module]["handler"]
    assert function.get("Metadata", {}).get("SkipBuild") is True, "the jar is built by Maven, not by sam build"


LAYER = "AWS::Serverless::LayerVersion"


def test_common_layer_is_a_java25_arm64_layer_built_by_maven(template, transformed):
    """common-layer is a real Lambda layer: java/lib/*.jar (Lambda puts /opt/java/lib on a Java function's class path),
    for the runtime and architecture every function uses, from the zip layer/pom.xml builds."""
    layers = list(resources_of_type(template, LAYER))
    assert [i for i, _ in layers] == ["CommonLayer"]
    props = layers[0][1]["Properties"]
    assert props["ContentUri"] == "../layer/target/common-layer.zip"
    assert props["CompatibleRuntimes"] == ["java25"]
    assert props["CompatibleArchitectures"] == ["arm64"]
    assert "BuildMethod" not in layers[0][1].get("Metadata", {}), "the zip is built by Maven; sam build copies it"
    assert [i for i, _ in resources_of_type(transformed, "AWS::Lambda::LayerVersion")], "SAM makes no layer version"


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_uses_the_common_layer(template, transformed, function_id):
    """Each function's own jar holds only what it alone needs; the rest is on its class path from the layer."""
    props = template["Resources"][function_id]["Properties"]
    assert props.get("Layers") == [{"Ref": "CommonLayer"}]
    function = template["Resources"][function_id]
    runtime = function["Properties"]["Runtime"]
    arch = function["Properties"]["Architectures"][0]
    layer = template["Resources"]["CommonLayer"]["Properties"]
    assert runtime in layer["CompatibleRuntimes"] and arch in layer["CompatibleArchitectures"]
    lambda_function = dict(resources_of_type(transformed, "AWS::Lambda::Function"))[function_id]
    assert len(lambda_function["Properties"]["Layers"]) == 1
    assert referenced_ids(lambda_function["Properties"]["Layers"][0]), "the function refers to the template's layer"


def test_every_contract_function_is_deployed(template, contracts):
    assert sorted(module_of(f) for _, f in functions(template)) == sorted(contracts["functions"])


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_environment_matches_contracts(template, contracts, function_id):
    function = template["Resources"][function_id]
    spec = contracts["functions"][module_of(function)]
    declared = set(function["Properties"]["Environment"]["Variables"])
    missing = (set(spec["env_required"]) | set(spec["env_optional"])) - declared
    assert not missing, f"{function_id} lacks {sorted(missing)} from docs/contracts.md"


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_sizing(template, function_id):
    props = template["Resources"][function_id]["Properties"]
    assert (props["MemorySize"], props["Timeout"]) == EXPECTED_SIZING[module_of(template["Resources"][function_id])]


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_logging(template, function_id):
    props = template["Resources"][function_id]["Properties"]
    logging = props["LoggingConfig"]
    assert logging["LogFormat"] == "JSON"
    group = template["Resources"][ref_target(logging["LogGroup"])]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert ref_target(group["Properties"]["RetentionInDays"]) == "LogRetentionDays"
    assert template["Parameters"]["LogRetentionDays"]["Default"] == 30
    assert key_arn_expression(group["Properties"]["KmsKeyId"])
    assert key_arn_expression(props["KmsKeyArn"])


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_has_own_least_privilege_role(template, transformed, function_id):
    role_id = ref_target(template["Resources"][function_id]["Properties"]["Role"])
    role = transformed["Resources"][role_id]
    assert role["Type"] == "AWS::IAM::Role"
    assert not role["Properties"].get("ManagedPolicyArns"), f"{role_id}: managed policies are not resource-scoped"
    others = [ref_target(f["Properties"]["Role"]) for i, f in functions(template) if i != function_id]
    assert role_id not in others, "each function has its own role"


# ------------------------------------------------------------------------------------------------ IAM
def test_no_iam_statement_has_a_wildcard_action(transformed):
    statements = list(iam_statements(transformed))
    assert statements
    for logical_id, statement in statements:
        assert "NotAction" not in statement, logical_id
        for action in as_list(statement.get("Action", [])):
            assert "*" not in action, f"{logical_id} {statement.get('Sid')}: wildcard action {action}"


def test_no_allow_statement_on_every_resource(transformed):
    for logical_id, statement in iam_statements(transformed):
        if statement.get("Effect") == "Allow":
            assert "*" not in as_list(statement.get("Resource")), f"{logical_id} {statement.get('Sid')}: Resource '*'"
            assert "NotResource" not in statement, logical_id


def test_no_cloudwatch_put_metric_data(transformed):
    """The functions emit metrics as embedded metric format log lines."""
    actions = [a for _, s in iam_statements(transformed) for a in as_list(s.get("Action", []))]
    assert "cloudwatch:PutMetricData" not in actions


def test_orchestrator_runs_only_the_curation_job(template):
    role = template["Resources"]["GlueOrchestratorRole"]["Properties"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    glue = [s for s in statements if any(a.startswith("glue:") for a in as_list(s["Action"]))]
    assert glue and all(set(as_list(s["Action"])) <= {"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"}
                        for s in glue)
    for statement in glue:
        for resource in as_list(statement["Resource"]):
            assert "job/${CurationJob}" in resource["Fn::Sub"], resource


# ------------------------------------------------------------------------------------------------ buckets
def bucket_policy_statements(template, bucket_id):
    for _, policy in resources_of_type(template, "AWS::S3::BucketPolicy"):
        if ref_target(policy["Properties"]["Bucket"]) == bucket_id:
            yield from as_list(policy["Properties"]["PolicyDocument"]["Statement"])


@pytest.mark.parametrize("bucket_id", BUCKET_IDS)
def test_bucket_blocks_public_access(template, bucket_id):
    block = template["Resources"][bucket_id]["Properties"]["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
                     "RestrictPublicBuckets": True}


@pytest.mark.parametrize("bucket_id", BUCKET_IDS)
def test_bucket_encrypted_with_kms(template, bucket_id):
    rules = template["Resources"][bucket_id]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    default = rules[0]["ServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms" and key_arn_expression(default["KMSMasterKeyID"])
    assert rules[0].get("BucketKeyEnabled") is True, "S3 Bucket Keys cut KMS requests per object"


@pytest.mark.parametrize("bucket_id", BUCKET_IDS)
def test_bucket_denies_insecure_transport(template, bucket_id):
    denies = [s for s in bucket_policy_statements(template, bucket_id)
              if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
    assert denies, f"{bucket_id}: no Deny on aws:SecureTransport=false"
    statement = denies[0]
    assert statement["Principal"] == "*" and "s3:*" in as_list(statement["Action"])
    resources = [json.dumps(r) for r in as_list(statement["Resource"])]
    assert any("/*" in r for r in resources) and any("/*" not in r for r in resources), "bucket and its objects"


@pytest.mark.parametrize("bucket_id", BUCKET_IDS)
def test_bucket_lifecycle_aborts_incomplete_uploads(template, bucket_id):
    rules = template["Resources"][bucket_id]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(r.get("AbortIncompleteMultipartUpload") and r["Status"] == "Enabled" for r in rules)


@pytest.mark.parametrize("bucket_id,prefix,param,default", [
    ("RawBucket", "raw/", "RawRetentionDays", 30),
    ("RawBucket", "failed/", "FailedRetentionDays", 30),
    ("ProcessedBucket", "processed/", "ProcessedRetentionDays", 90),
])
def test_bucket_retention_is_a_parameter_with_a_safe_default(template, bucket_id, prefix, param, default):
    # Raw and failed objects hold PII in clear: they expire. Never before a dead-lettered object could be redriven
    # (the queues keep messages 14 days).
    rules = template["Resources"][bucket_id]["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = [r for r in rules if r.get("Prefix") == prefix and "ExpirationInDays" in r]
    assert len(expiring) == 1 and expiring[0]["Status"] == "Enabled"
    assert expiring[0]["ExpirationInDays"] == {"Ref": param}
    declared = template["Parameters"][param]
    assert declared["Type"] == "Number" and declared["Default"] == default
    retention_days = max(int(queue["Properties"]["MessageRetentionPeriod"])
                         for _, queue in resources_of_type(template, "AWS::SQS::Queue")) // 86400
    assert declared["MinValue"] >= (retention_days if prefix != "processed/" else 7)


def test_raw_bucket_versioned_with_noncurrent_expiry(template):
    props = template["Resources"]["RawBucket"]["Properties"]
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    assert any("NoncurrentVersionExpiration" in r for r in props["LifecycleConfiguration"]["Rules"])


def test_raw_notification_triggers_transformer_alias(template, contracts):
    configs = template["Resources"]["RawBucket"]["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    assert len(configs) == 1
    config = configs[0]
    assert config["Event"].startswith("s3:ObjectCreated:")
    rules = {r["Name"]: r["Value"] for r in config["Filter"]["S3Key"]["Rules"]}
    assert rules == {"prefix": contracts["raw_prefix"], "suffix": contracts["raw_suffix"]}
    assert config["Function"] == {"Ref": "S3TransformerFunction.Alias"}


def test_no_circular_dependency(template, transformed):
    """Bucket -> notification -> alias -> function -> role -> bucket must not close a loop (CloudFormation rejects it)."""
    for name, graph_source in (("SAM template", template), ("transformed template", transformed)):
        cycle = find_cycle(dependency_graph(graph_source))
        assert not cycle, f"{name}: circular dependency {' -> '.join(cycle)}"


def test_raw_bucket_name_is_built_not_referenced_by_transformer(template):
    """The transformer's policy, environment and S3 invoke permission name the raw bucket with !Sub."""
    expected = "${NamePrefix}-raw-${AWS::AccountId}-${AWS::Region}"
    assert template["Resources"]["RawBucket"]["Properties"]["BucketName"] == {"Fn::Sub": expected}
    for resource_id in ("S3TransformerRole", "S3TransformerFunction", "TransformerS3InvokePermission"):
        resource = template["Resources"][resource_id]
        assert "RawBucket" not in referenced_ids(resource.get("Properties", {})), resource_id
        assert expected in json.dumps(resource["Properties"]), resource_id


def test_s3_prefixes_in_policies_follow_layout(template, contracts):
    """Object ARNs in the roles use the top-level prefixes of docs/contracts.md's S3 layout."""
    prefixes = {key.split("/", 1)[0] for key in contracts["s3_layout"]}
    assert {"raw", "failed", "processed", "curated", "aggregates", "glue"} <= prefixes
    used = set()
    for _, role in resources_of_type(template, "AWS::IAM::Role"):
        for match in re.finditer(r"\$\{(?:Raw|Processed|Curated)Bucket\.Arn\}/([a-z]+)/|-raw-\$\{AWS::AccountId\}-\$\{AWS::Region\}/([a-z]+)/",
                                 json.dumps(role["Properties"])):
            used.add(match.group(1) or match.group(2))
    assert used and used <= prefixes, used - prefixes


# ------------------------------------------------------------------------------------------------ queues
@pytest.mark.parametrize("queue_id", QUEUE_IDS)
def test_queue_encrypted_with_retention(template, queue_id):
    props = template["Resources"][queue_id]["Properties"]
    assert key_arn_expression(props["KmsMasterKeyId"])
    assert props["MessageRetentionPeriod"] == 14 * 24 * 3600


@pytest.mark.parametrize("queue_id", DEAD_LETTER_QUEUE_IDS)
def test_queue_depth_alarm(template, queue_id):
    alarms = [a["Properties"] for _, a in resources_of_type(template, "AWS::CloudWatch::Alarm")
              if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
              and any(ref_target(d["Value"]) == queue_id for d in a["Properties"]["Dimensions"])]
    assert alarms, f"{queue_id}: no ApproximateNumberOfMessagesVisible alarm"
    alarm = alarms[0]
    assert alarm["Namespace"] == "AWS/SQS" and alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm.get("AlarmActions")


@pytest.mark.parametrize("queue_id", QUEUE_IDS)
def test_queue_is_used(template, queue_id):
    users = [i for i, r in template["Resources"].items() if queue_id in referenced_ids(r.get("Properties", {}))
             and r["Type"] in (FUNCTION, "AWS::Events::Rule")]
    assert users, f"{queue_id} is used by nobody"


# ------------------------------------------------------------------------------------------------ tables
@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_table_pitr_sse_on_demand(template, table_id):
    props = template["Resources"][table_id]["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True and props["SSESpecification"]["SSEType"] == "KMS"
    assert key_arn_expression(props["SSESpecification"]["KMSMasterKeyId"])
    assert props["BillingMode"] == "PAY_PER_REQUEST"


def test_table_keys_match_contracts(template, contracts):
    metadata = template["Resources"]["MetadataTable"]["Properties"]
    assert metadata["KeySchema"] == [{"AttributeName": contracts["metadata_hash_key"], "KeyType": "HASH"}]
    (gsi,) = metadata["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == contracts["gsi_name"]
    assert gsi["KeySchema"] == [{"AttributeName": contracts["gsi_hash_key"], "KeyType": "HASH"},
                                {"AttributeName": contracts["gsi_range_key"], "KeyType": "RANGE"}]
    assert metadata["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    checkpoint = template["Resources"]["CheckpointTable"]["Properties"]
    assert checkpoint["KeySchema"] == [{"AttributeName": contracts["checkpoint_hash_key"], "KeyType": "HASH"}]


# ------------------------------------------------------------------------------------------------ glue + events
def test_glue_job(template, contracts):
    props = template["Resources"]["CurationJob"]["Properties"]
    assert props["GlueVersion"] == "5.0"
    assert props["Command"] == {"Name": "glueetl", "PythonVersion": "3", "ScriptLocation": "../glue-job/curate_events.py"}
    assert props["ExecutionProperty"]["MaxConcurrentRuns"] == 1
    assert props["DefaultArguments"]["--job-bookmark-option"] == "job-bookmark-disable"
    assert ref_target(props["SecurityConfiguration"]) == "GlueSecurityConfiguration"
    # Glue's own special parameters (--job-*, --enable-*, --TempDir, --extra-py-files, --datalake-formats, --conf) are
    # not the job's contract.
    custom = {k for k in props["DefaultArguments"]
              if not k.startswith(("--job-", "--enable-", "--TempDir", "--extra-py-files", "--datalake-formats",
                                   "--conf"))}
    assert custom <= set(contracts["glue_args"]), f"arguments not in docs/contracts.md: {custom - set(contracts['glue_args'])}"
    assert "s3://${CuratedBucket}/curated/" == props["DefaultArguments"]["--curated_path"]["Fn::Sub"]
    assert "s3://${CuratedBucket}/aggregates/" == props["DefaultArguments"]["--aggregates_path"]["Fn::Sub"]
    # The job imports tributary_glue; scripts/package-glue.sh --upload puts it where this points.
    assert "s3://${CuratedBucket}/glue/lib/tributary_glue.zip" == props["DefaultArguments"]["--extra-py-files"]["Fn::Sub"]
    # Curated data in Iceberg tables of the template's database, through the catalog the job names (glue_catalog).
    assert props["DefaultArguments"]["--datalake-formats"] == "iceberg"
    assert ref_target(props["DefaultArguments"]["--database"]) == "GlueDatabaseName"
    conf = props["DefaultArguments"]["--conf"]["Fn::Sub"].split(" --conf ")
    assert "spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog" in conf
    assert "spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO" in conf
    assert "spark.sql.iceberg.vectorization.enabled=false" in conf


ICEBERG_TABLE_IDS = ["CuratedPageViewTable", "CuratedSensorReadingTable", "CuratedPaymentTable",
                     "AggEventCountsHourlyTable", "AggPageViewPerformanceTable", "AggSensorReadingStatsTable",
                     "AggPaymentTotalsTable", "AggPageViewStateTable"]


@pytest.mark.parametrize("table_id", ICEBERG_TABLE_IDS)
def test_iceberg_tables_live_where_the_job_writes_and_are_maintained(template, table_id):
    props = template["Resources"][table_id]["Properties"]
    assert props["OpenTableFormatInput"] == {"IcebergInput": {"MetadataOperation": "CREATE", "Version": "2"}}
    table_input = props["TableInput"]
    name = table_input["Name"]
    location = table_input["StorageDescriptor"]["Location"]["Fn::Sub"]
    if name.startswith("curated_"):
        assert location == "s3://${CuratedBucket}/curated/" + name[len("curated_"):]
        assert [k["Name"] for k in table_input["PartitionKeys"]] == ["dt"]
    else:   # per day: a window rewrites one small file per touched day, however many hours late events touch
        assert name.startswith("agg_") and location == "s3://${CuratedBucket}/aggregates/" + name[len("agg_"):]
        assert [k["Name"] for k in table_input["PartitionKeys"]] == ["dt"]
    optimizers = {o["Properties"]["Type"]: o["Properties"] for _, o in resources_of_type(template, "AWS::Glue::TableOptimizer")
                  if ref_target(o["Properties"]["TableName"]) == table_id}
    appended = name.startswith("curated_") or name == "agg_page_view_state"   # small files every window: compacted
    expected = {"retention", "orphan_file_deletion"} | ({"compaction"} if appended else set())
    assert set(optimizers) == expected
    retention = optimizers["retention"]["TableOptimizerConfiguration"]["RetentionConfiguration"]["IcebergConfiguration"]
    assert retention["SnapshotRetentionPeriodInDays"] == 7          # the documented time-travel window
    for optimizer in optimizers.values():
        assert ref_target(optimizer["TableOptimizerConfiguration"]["RoleArn"]) == "TableOptimizerRole"


def test_glue_security_configuration_encrypts_everything(template):
    config = template["Resources"]["GlueSecurityConfiguration"]["Properties"]["EncryptionConfiguration"]
    assert config["S3Encryptions"][0]["S3EncryptionMode"] == "SSE-KMS"
    assert config["CloudWatchEncryption"]["CloudWatchEncryptionMode"] == "SSE-KMS"
    assert config["JobBookmarksEncryption"]["JobBookmarksEncryptionMode"] == "CSE-KMS"


@pytest.mark.parametrize("rule_id", ["OrchestratorScheduleRule", "GlueJobStateChangeRule"])
def test_orchestrator_rules_target_alias_with_dead_letter_queue(template, rule_id):
    props = template["Resources"][rule_id]["Properties"]
    (target,) = props["Targets"]
    assert target["Arn"] == {"Ref": "GlueOrchestratorFunction.Alias"}
    assert ref_target(target["DeadLetterConfig"]["Arn"]) == "OrchestratorDeadLetterQueue"
    permissions = [p for _, p in resources_of_type(template, "AWS::Lambda::Permission")
                   if p["Properties"]["FunctionName"] == target["Arn"]
                   and ref_target(p["Properties"]["SourceArn"]) == rule_id]
    assert permissions, f"{rule_id} may not invoke the orchestrator alias"


def test_schedule_rate_is_a_parameter(template):
    props = template["Resources"]["OrchestratorScheduleRule"]["Properties"]
    assert ref_target(props["ScheduleExpression"]) == "ScheduleExpression"
    assert template["Parameters"]["ScheduleExpression"]["Default"] == "rate(15 minutes)"


def test_glue_state_change_rule_filters_our_job(template):
    pattern = template["Resources"]["GlueJobStateChangeRule"]["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.glue"] and pattern["detail-type"] == ["Glue Job State Change"]
    assert [ref_target(j) for j in pattern["detail"]["jobName"]] == ["CurationJob"]


def test_glue_failures_alarm(template):
    pattern = template["Resources"]["GlueJobFailedRule"]["Properties"]["EventPattern"]
    assert {"FAILED", "TIMEOUT"} <= set(pattern["detail"]["state"])
    alarm = template["Resources"]["GlueJobFailedAlarm"]["Properties"]
    assert alarm["MetricName"] == "TriggeredRules" and ref_target(alarm["Dimensions"][0]["Value"]) == "GlueJobFailedRule"


@pytest.mark.parametrize("table", ["RawEventsTable", "ProcessedEventsTable"])
def test_catalog_tables_use_partition_projection(template, table):
    table_input = template["Resources"][table]["Properties"]["TableInput"]
    params = table_input["Parameters"]
    assert params["projection.enabled"] == "true"
    keys = [k["Name"] for k in table_input["PartitionKeys"]]
    assert keys[:2] == ["event_type", "dt"]
    for key in keys:
        assert f"projection.{key}.type" in params
        assert "${!" + key + "}" in params["storage.location.template"]["Fn::Sub"]


@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_errors_and_throttles_alarmed(template, function_id):
    metrics = {a["Properties"]["MetricName"] for _, a in resources_of_type(template, "AWS::CloudWatch::Alarm")
               if a["Properties"].get("Namespace") == "AWS/Lambda"
               and any(ref_target(d["Value"]) == function_id for d in a["Properties"]["Dimensions"])}
    assert {"Errors", "Throttles"} <= metrics


def test_iterator_age_alarmed(template):
    metrics = {a["Properties"].get("MetricName") for _, a in resources_of_type(template, "AWS::CloudWatch::Alarm")}
    assert {"GetRecords.IteratorAgeMilliseconds", "IteratorAge"} <= metrics


# ------------------------------------------------------------------------------------------------ local debugging files
def test_env_json_only_sets_declared_variables(template, contracts):
    """sam local ignores env.json entries for variables the template does not declare, silently."""
    env = json.loads((INFRA_DIR / "env.json").read_text())
    assert env["Parameters"]["AWS_ENDPOINT_URL"].endswith(":4566")
    for function_id in FUNCTION_IDS:
        declared = set(template["Resources"][function_id]["Properties"]["Environment"]["Variables"])
        assert set(env[function_id]) | set(env["Parameters"]) <= declared, function_id
        spec = contracts["functions"][module_of(template["Resources"][function_id])]
        assert set(spec["env_required"]) <= set(env[function_id]), function_id


RAW_KEY = re.compile(r"raw/event_type=([a-z][a-z0-9_]{0,62})/dt=(\d{4}-\d{2}-\d{2})/hr=(\d{2})/"
                     r"([A-Za-z0-9_.-]+)\.(shardId-\d{12})\.(\d+)\.jsonl\.gz")


def test_sample_events(template):
    events = INFRA_DIR / "events"
    env = json.loads((INFRA_DIR / "env.json").read_text())
    s3 = json.loads((events / "s3-put-raw.json").read_text())["Records"][0]["s3"]
    assert s3["bucket"]["name"] == env["S3TransformerFunction"]["RAW_BUCKET"]
    key = urllib.parse.unquote_plus(s3["object"]["key"])
    assert RAW_KEY.fullmatch(key), key
    kinesis = json.loads((events / "kinesis-get-records.json").read_text())["Records"]
    stream = kinesis[0]["eventSourceARN"].rsplit("/", 1)[1]
    assert RAW_KEY.fullmatch(key).group(4) == stream
    decoded = [base64.b64decode(r["kinesis"]["data"]).decode() for r in kinesis]
    assert json.loads(decoded[0])["event_type"] == RAW_KEY.fullmatch(key).group(1)
    glue = json.loads((events / "glue-job-state-change-succeeded.json").read_text())
    assert glue["detail-type"] == "Glue Job State Change" and {"jobName", "state", "jobRunId"} <= set(glue["detail"])
    scheduled = json.loads((events / "scheduled-event.json").read_text())
    assert scheduled["detail-type"] == "Scheduled Event"
