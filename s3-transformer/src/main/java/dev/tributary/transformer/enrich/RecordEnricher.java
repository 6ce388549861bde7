package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.event.EventEnvelope;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns one raw event into its processed form: the envelope with {@code event_time} normalised to UTC, then
 * {@code event_time_ms}, {@code ingest_lag_ms} and the enrichments configured for its type, then any other top-level
 * fields the producer sent, unchanged.
 *
 * <pre>{@code
 * {"event_id", "event_type", "event_time": "2026-11-22T09:15:30.120Z", "event_time_ms", "source", "schema_version",
 *  "payload": {... PII fields replaced by their HMAC ...}, "ingest_lag_ms",
 *  "page": {"scheme", "host", "path", "query", "query_params"}, "user_agent": {"family", "major", "os", "os_major",
 *  "device_family", "device_class"}, "timestamps": {"<field>": {"utc", "ms"}}, "<lookup as>": {...},
 *  "enrichment_errors": {"page": "invalid_url: ..."} (only when one failed), <extra fields>}
 * }</pre>
 *
 * PII follows the type's {@link PiiPolicy} (plus {@code ENRICHMENT_CONFIG}'s {@code pii_fields}, hashed): the
 * query values of URL fields are hashed first, so the parts split from them carry hashes too; enrichments then read the values
 * (an agent is classified before it is dropped); fields are hashed, truncated and dropped last.
 *
 * <p>Thread-safe: the per-object state lives in a {@link Session}.
 */
public final class RecordEnricher {
    private static final Set<String> ENVELOPE = Set.of(
            EventEnvelope.EVENT_ID,
            EventEnvelope.EVENT_TYPE,
            EventEnvelope.EVENT_TIME,
            EventEnvelope.SOURCE,
            EventEnvelope.SCHEMA_VERSION,
            EventEnvelope.PAYLOAD);

    /**
     * Top-level field naming each enrichment that could not be made: {@code {"<output field>": "<reason>: <where>:
     * <why>"}}, e.g. {@code {"page": "invalid_url: payload.page_url: empty host"}}. Absent when all succeeded.
     */
    public static final String ENRICHMENT_ERRORS = "enrichment_errors";

    private final EnrichmentConfig config;
    private final UserAgentClassifier userAgents;
    private final ReferenceData referenceData;
    private final PiiPolicy.Bundled policies;

    /** With the bundled PII policies. */
    public RecordEnricher(EnrichmentConfig config, UserAgentClassifier userAgents, ReferenceData referenceData) {
        this(config, userAgents, referenceData, new PiiPolicy.Bundled());
    }

    public RecordEnricher(
            EnrichmentConfig config,
            UserAgentClassifier userAgents,
            ReferenceData referenceData,
            PiiPolicy.Bundled policies) {
        this.config = Objects.requireNonNull(config, "config");
        this.userAgents = userAgents;
        this.referenceData = referenceData;
        this.policies = Objects.requireNonNull(policies, "policies");
    }

    /** The PII policy applied to {@code eventType}: its bundled policy and the configuration's pii_fields. */
    public PiiPolicy piiPolicy(String eventType) {
        return policies.forType(eventType).alsoHashing(config.forType(eventType).piiFields());
    }

    /** The configuration in force. */
    public EnrichmentConfig config() {
        return config;
    }

    /**
     * State for the records of one raw object.
     *
     * @param eventType  the object's partition type: every record must have it
     * @param ingestedAt when the raw object was written (its S3 Last-Modified), for {@code ingest_lag_ms}
     * @param pii        the keyed hasher; may be null only when the type's PII policy hashes nothing
     */
    public Session session(String eventType, Instant ingestedAt, PiiHasher pii) {
        EnrichmentConfig.TypeRules rules = config.forType(eventType);
        PiiPolicy policy = piiPolicy(eventType);
        if (policy.needsKey() && pii == null) {
            throw new IllegalStateException("event type " + eventType + " has PII to hash but no key was given");
        }
        return new Session(eventType, ingestedAt.toEpochMilli(), rules, policy, pii);
    }

    /** Enriches the records of one object. Not thread-safe. */
    public final class Session {
        private final String eventType;
        private final long ingestedAtMs;
        private final EnrichmentConfig.TypeRules rules;
        private final PiiPolicy policy;
        private final PiiHasher pii;

        private Session(
                String eventType,
                long ingestedAtMs,
                EnrichmentConfig.TypeRules rules,
                PiiPolicy policy,
                PiiHasher pii) {
            this.eventType = eventType;
            this.ingestedAtMs = ingestedAtMs;
            this.rules = rules;
            this.policy = policy;
            this.pii = pii;
        }

        /**
         * The processed form of {@code event}, which it takes over (its payload is changed in place).
         *
         * @throws InvalidRecordException when an envelope field is missing or malformed
         */
        public ObjectNode enrich(ObjectNode event) throws InvalidRecordException {
            String eventId = text(event, EventEnvelope.EVENT_ID);
            String type = text(event, EventEnvelope.EVENT_TYPE);
            if (!type.equals(eventType)) {
                throw new InvalidRecordException("event_type is '" + type + "' in a partition of '" + eventType + "'");
            }
            Instant eventTime = Timestamps.parse(text(event, EventEnvelope.EVENT_TIME));
            if (eventTime == null) {
                throw new InvalidRecordException("event_time is not an ISO-8601 date-time with an offset");
            }
            String source = text(event, EventEnvelope.SOURCE);
            JsonNode schemaVersion = event.get(EventEnvelope.SCHEMA_VERSION);
            if (schemaVersion == null || !schemaVersion.canConvertToInt() || !schemaVersion.isIntegralNumber()) {
                throw new InvalidRecordException("schema_version is missing or not an integer");
            }
            if (!(event.get(EventEnvelope.PAYLOAD) instanceof ObjectNode payload)) {
                throw new InvalidRecordException("payload is missing or not an object");
            }

            long eventTimeMs = eventTime.toEpochMilli();
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put(EventEnvelope.EVENT_ID, eventId);
            out.put(EventEnvelope.EVENT_TYPE, type);
            out.put(EventEnvelope.EVENT_TIME, Timestamps.utc(eventTime));
            out.put("event_time_ms", eventTimeMs);
            out.put(EventEnvelope.SOURCE, source);
            out.put(EventEnvelope.SCHEMA_VERSION, schemaVersion.intValue());
            out.set(EventEnvelope.PAYLOAD, payload);
            out.put("ingest_lag_ms", ingestedAtMs - eventTimeMs);

            if (!policy.urlQuery().isEmpty()) {
                policy.rewriteUrls(payload, pii);
            }
            ObjectNode errors = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, String> url : rules.urlFields().entrySet()) {
                try {
                    ObjectNode parts = UrlParts.split(PayloadPaths.scalarText(PayloadPaths.get(payload, url.getKey())));
                    if (parts != null) {
                        out.set(url.getValue(), parts);
                    }
                } catch (InvalidUrlException e) {
                    // Never drop an enrichment silently: the record says which one is missing and why (without
                    // quoting the value, which may hold personal data).
                    errors.put(url.getValue(), "invalid_url: payload." + url.getKey() + ": " + e.getMessage());
                }
            }
            if (rules.userAgentField().isPresent() && userAgents != null) {
                ObjectNode agent = userAgents.classify(PayloadPaths.scalarText(
                        PayloadPaths.get(payload, rules.userAgentField().get())));
                if (agent != null) {
                    out.set("user_agent", agent);
                }
            }
            if (!rules.timestampFields().isEmpty()) {
                ObjectNode times = JsonNodeFactory.instance.objectNode();
                for (String field : rules.timestampFields()) {
                    Instant instant = Timestamps.parse(PayloadPaths.scalarText(PayloadPaths.get(payload, field)));
                    if (instant != null) {
                        times.putObject(field)
                                .put("utc", Timestamps.utc(instant))
                                .put("ms", instant.toEpochMilli());
                    }
                }
                if (!times.isEmpty()) {
                    out.set("timestamps", times);
                }
            }
            for (EnrichmentConfig.Lookup lookup : rules.lookups()) {
                ObjectNode row = referenceData.lookup(
                        lookup.table(), PayloadPaths.scalarText(PayloadPaths.get(payload, lookup.field())));
                if (row != null) {
                    out.set(lookup.as(), row);
                }
            }
            policy.applyToFields(payload, pii);
            if (!errors.isEmpty()) {
                out.set(ENRICHMENT_ERRORS, errors);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = event.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!ENVELOPE.contains(field.getKey()) && !out.has(field.getKey())) {
                    out.set(field.getKey(), field.getValue());
                }
            }
            return out;
        }
    }

    private static String text(ObjectNode event, String field) throws InvalidRecordException {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new InvalidRecordException(field + " is missing or not a non-empty string");
        }
        return value.textValue();
    }
}
