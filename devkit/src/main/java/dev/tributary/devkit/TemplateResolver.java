package dev.tributary.devkit;

import dev.tributary.toolkit.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions in a template value, for a local deployment: parameters take their
 * defaults (or overrides), {@code Ref}/{@code GetAtt} of resources are answered by the caller, conditions are
 * evaluated. A function it does not know fails loudly instead of leaking an unresolved value into a name.
 */
public final class TemplateResolver {
    /** Marks a value {@code AWS::NoValue} removes; maps and lists drop it. */
    public static final Object NO_VALUE = new Object();

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");

    private final Map<String, String> parameters;
    private final Map<String, Object> conditions;
    private final Function<String, String> ref;
    private final BiFunction<String, String, String> getAtt;

    /**
     * @param parameters values of parameters and pseudo parameters ({@code AWS::Region}, {@code AWS::AccountId}, …)
     * @param conditions the template's {@code Conditions}
     * @param ref        the physical id of a resource, by logical id
     * @param getAtt     an attribute of a resource: (logical id, attribute) → value
     */
    public TemplateResolver(
            Map<String, String> parameters,
            Map<String, Object> conditions,
            Function<String, String> ref,
            BiFunction<String, String, String> getAtt) {
        this.parameters = parameters;
        this.conditions = conditions;
        this.ref = ref;
        this.getAtt = getAtt;
    }

    /** The value with every intrinsic function evaluated. */
    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = map.keySet().iterator().next().toString();
                if (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::")) {
                    return function(key, map.values().iterator().next());
                }
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object r = resolve(v);
                if (r != NO_VALUE) {
                    resolved.put(k.toString(), r);
                }
            });
            return resolved;
        }
        if (value instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            for (Object item : list) {
                Object r = resolve(item);
                if (r != NO_VALUE) {
                    resolved.add(r);
                }
            }
            return resolved;
        }
        return value;
    }

    /** {@link #resolve} for a value that must end up a string. */
    public String string(Object value) {
        Object resolved = resolve(value);
        return resolved == null || resolved == NO_VALUE ? null : resolved.toString();
    }

    /** Whether the named condition holds. */
    public boolean condition(String name) {
        Object definition = conditions.get(name);
        if (definition == null) {
            throw new IllegalArgumentException("no condition " + name + " in the template");
        }
        return truth(resolve(definition));
    }

    private Object function(String name, Object argument) {
        return switch (name) {
            case "Ref" -> reference(argument.toString());
            case "Condition" -> condition(argument.toString());
            case "Fn::Sub" -> substitute(argument);
            case "Fn::GetAtt" -> {
                List<?> parts = (List<?>) argument;
                yield getAtt.apply(parts.get(0).toString(), parts.get(1).toString());
            }
            case "Fn::If" -> {
                List<?> parts = (List<?>) argument;
                yield resolve(condition(parts.get(0).toString()) ? parts.get(1) : parts.get(2));
            }
            case "Fn::Equals" -> {
                List<?> parts = (List<?>) argument;
                yield String.valueOf(resolve(parts.get(0))).equals(String.valueOf(resolve(parts.get(1))));
            }
            case "Fn::Not" -> !truth(resolve(((List<?>) argument).get(0)));
            case "Fn::And" -> ((List<?>) argument).stream().allMatch(c -> truth(resolve(c)));
            case "Fn::Or" -> ((List<?>) argument).stream().anyMatch(c -> truth(resolve(c)));
            case "Fn::Join" -> {
                List<?> parts = (List<?>) argument;
                List<String> items = new ArrayList<>();
                for (Object item : (List<?>) resolve(parts.get(1))) {
                    items.add(item.toString());
                }
                yield String.join(parts.get(0).toString(), items);
            }
            default ->
                throw new UnsupportedOperationException(
                        "the local deployment does not evaluate " + name + "; extend TemplateResolver");
        };
    }

    private Object reference(String name) {
        if (name.equals("AWS::NoValue")) {
            return NO_VALUE;
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        return ref.apply(name);
    }

    private String substitute(Object argument) {
        String template;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> list) {
            template = list.get(0).toString();
            variables = SamTemplate.map(list.get(1));
        } else {
            template = argument.toString();
        }
        Matcher m = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1);
            String value;
            if (variables.containsKey(variable)) {
                value = string(variables.get(variable));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                String[] parts = variable.split("\\.", 2);
                value = getAtt.apply(parts[0], parts[1]);
            } else {
                value = String.valueOf(reference(variable));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean truth(Object value) {
        return value instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(value));
    }
}
