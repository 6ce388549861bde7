package dev.tributary.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A payload schema compiled once into plain checks that say whether the schema <em>certainly</em> accepts a payload:
 * the JSON Schema validator costs more per record than parsing it (a quarter of the processor's allocation, in
 * objects made per validation), and almost every payload is valid.
 *
 * <p>Only a small subset of JSON Schema compiles: {@code type} (one of object, string, number, integer),
 * {@code required}, {@code properties}, {@code minLength}, {@code maxLength}, {@code pattern} (anchored at both
 * ends), integral {@code minimum}/{@code maximum}, {@code enum} of strings, and the annotations {@code $schema},
 * {@code title}, {@code description}, {@code $comment}. A schema with any other keyword does not compile, and its
 * payloads always go to the validator. Every check errs towards "not sure": true only when the validator would
 * certainly accept, whatever it does in the cases JSON Schema leaves open (code points or UTF-16 units for lengths,
 * the regular-expression dialect on non-ASCII text). "Not sure" sends the payload to the validator, which gives the
 * verdict and the error details, so verdicts are exactly the validator's ({@code PayloadCheckTest} compares them).
 */
final class PayloadCheck {
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "title", "description", "$comment");

    /** One compiled keyword: true when the node certainly satisfies it. */
    @FunctionalInterface
    private interface Rule {
        boolean certainlyValid(JsonNode node);
    }

    private final Rule rule;

    private PayloadCheck(Rule rule) {
        this.rule = rule;
    }

    /** The check for {@code schema}, or empty when it uses anything outside the subset above. */
    static Optional<PayloadCheck> compile(JsonNode schema) {
        return Optional.ofNullable(compileRule(schema)).map(PayloadCheck::new);
    }

    /** True only when the schema certainly accepts {@code payload}; false means "ask the validator". */
    boolean certainlyValid(JsonNode payload) {
        return payload != null && rule.certainlyValid(payload);
    }

    /** The conjunction of the schema's keywords, or null when one of them is outside the subset. */
    private static Rule compileRule(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return null; // boolean schemas and the like: left to the validator
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
            if (ANNOTATIONS.contains(keyword.getKey())) {
                continue;
            }
            Rule rule = compileKeyword(keyword.getKey(), keyword.getValue());
            if (rule == null) {
                return null;
            }
            rules.add(rule);
        }
        Rule[] all = rules.toArray(Rule[]::new);
        return node -> {
            for (Rule rule : all) {
                if (!rule.certainlyValid(node)) {
                    return false;
                }
            }
            return true;
        };
    }

    private static Rule compileKeyword(String keyword, JsonNode value) {
        return switch (keyword) {
            case "type" -> type(value);
            case "required" -> required(value);
            case "properties" -> properties(value);
            case "minLength" -> nonNegativeInt(value) ? minLength(value.intValue()) : null;
            case "maxLength" -> nonNegativeInt(value) ? maxLength(value.intValue()) : null;
            case "pattern" -> pattern(value);
            case "minimum" -> integralBound(value) ? minimum(value.longValue()) : null;
            case "maximum" -> integralBound(value) ? maximum(value.longValue()) : null;
            case "enum" -> stringEnum(value);
            default -> null;
        };
    }

    private static Rule type(JsonNode value) {
        if (!value.isTextual()) {
            return null; // a list of types: left to the validator
        }
        return switch (value.textValue()) {
            case "object" -> JsonNode::isObject;
            case "string" -> JsonNode::isTextual;
            case "number" -> JsonNode::isNumber;
            case "integer" -> JsonNode::isIntegralNumber;
            default -> null;
        };
    }

    private static Rule required(JsonNode value) {
        if (!value.isArray()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : value) {
            if (!name.isTextual()) {
                return null;
            }
            names.add(name.textValue());
        }
        String[] all = names.toArray(String[]::new);
        return node -> {
            if (!node.isObject()) {
                return false;
            }
            for (String name : all) {
                if (node.get(name) == null) {
                    return false;
                }
            }
            return true;
        };
    }

    private static Rule properties(JsonNode value) {
        if (!value.isObject()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : value.properties()) {
            Rule rule = compileRule(property.getValue());
            if (rule == null) {
                return null;
            }
            names.add(property.getKey());
            rules.add(rule);
        }
        String[] allNames = names.toArray(String[]::new);
        Rule[] allRules = rules.toArray(Rule[]::new);
        return node -> {
            if (!node.isObject()) {
                return false;
            }
            for (int i = 0; i < allNames.length; i++) {
                JsonNode property = node.get(allNames[i]);
                if (property != null && !allRules[i].certainlyValid(property)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** At least {@code min} code points: then at least as many UTF-16 units too, whichever the validator counts. */
    private static Rule minLength(int min) {
        return node -> node.isTextual()
                && node.textValue().codePointCount(0, node.textValue().length()) >= min;
    }

    /** At most {@code max} UTF-16 units: then at most as many code points too. */
    private static Rule maxLength(int max) {
        return node -> node.isTextual() && node.textValue().length() <= max;
    }

    /**
     * Only {@code ^…$} patterns with no other {@code $} and no {@code \p} classes compile, and only ASCII text is
     * judged: a whole-string JDK match then implies the validator's search succeeds, in the JDK dialect (which
     * rewrites {@code $} anchors and {@code \p} names) and the ECMAScript ones alike ({@code \s}, {@code \w},
     * {@code .} differ only outside ASCII).
     */
    private static Rule pattern(JsonNode value) {
        if (!value.isTextual()) {
            return null;
        }
        String regex = value.textValue();
        if (regex.length() < 2
                || regex.charAt(0) != '^'
                || regex.charAt(regex.length() - 1) != '$'
                || regex.charAt(regex.length() - 2) == '\\'
                || regex.indexOf('$') != regex.length() - 1
                || regex.contains("\\p")
                || regex.contains("\\P")) {
            return null;
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
        // One matcher per thread, reset per value: a new one per record (groups, locals) was a few hundred bytes.
        ThreadLocal<Matcher> matchers = ThreadLocal.withInitial(() -> compiled.matcher(""));
        return node -> node.isTextual()
                && isAscii(node.textValue())
                && matchers.get().reset(node.textValue()).matches();
    }

    private static Rule minimum(long min) {
        return node -> node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= min;
    }

    private static Rule maximum(long max) {
        return node -> node.isIntegralNumber() && node.canConvertToLong() && node.longValue() <= max;
    }

    private static Rule stringEnum(JsonNode value) {
        if (!value.isArray()) {
            return null;
        }
        Set<String> allowed = new HashSet<>();
        for (JsonNode option : value) {
            if (!option.isTextual()) {
                return null;
            }
            allowed.add(option.textValue());
        }
        return node -> node.isTextual() && allowed.contains(node.textValue());
    }

    private static boolean nonNegativeInt(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0;
    }

    private static boolean integralBound(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToLong();
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
