package dev.tributary.toolkit;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The SAM template ({@code infra/template.yaml}) as data: the one source of truth for resource names, table keys,
 * queues, notifications and event source settings, which the local demo reads instead of keeping a second list.
 *
 * <p>CloudFormation's short-form tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, {@code !If}, …) are read as
 * their long forms ({@code {"Ref": …}}, {@code {"Fn::Sub": …}}); {@link TemplateResolver} evaluates them.
 */
public final class SamTemplate {
    /** A resource: logical id, type, properties (unresolved) and the whole definition. */
    public record Resource(String logicalId, String type, Map<String, Object> properties) {}

    private final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    /** Reads a template file. */
    public static SamTemplate load(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            Object parsed = new Yaml(new CloudFormationConstructor()).load(reader);
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) parsed;
            return new SamTemplate(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** {@code infra/template.yaml}, found from the working directory or any parent (runs from a module too). */
    public static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("infra/template.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "infra/template.yaml not found from " + Path.of("").toAbsolutePath());
    }

    /** Every resource of {@code type} (e.g. {@code AWS::DynamoDB::Table}), in template order. */
    public List<Resource> resources(String type) {
        List<Resource> found = new ArrayList<>();
        section("Resources").forEach((id, definition) -> {
            Map<String, Object> resource = map(definition);
            if (type.equals(resource.get("Type"))) {
                found.add(new Resource(id, type, map(resource.getOrDefault("Properties", Map.of()))));
            }
        });
        return found;
    }

    /** One resource by logical id. */
    public Resource resource(String logicalId) {
        Map<String, Object> resource = map(section("Resources").get(logicalId));
        if (resource.isEmpty()) {
            throw new IllegalArgumentException("no resource " + logicalId + " in the template");
        }
        return new Resource(
                logicalId, (String) resource.get("Type"), map(resource.getOrDefault("Properties", Map.of())));
    }

    /** Parameter defaults, as strings. */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        section("Parameters").forEach((name, definition) -> {
            Object value = map(definition).get("Default");
            if (value != null) {
                defaults.put(name, value.toString());
            }
        });
        return defaults;
    }

    /**
     * A copy of this template in which {@code roleLogicalId}'s inline policies no longer grant {@code action}: for
     * tests that show a permission the functions need is checked (a statement left with no action is dropped).
     */
    public SamTemplate withoutPermission(String roleLogicalId, String action) {
        SamTemplate copy = new SamTemplate(map(deepCopy(root)));
        Map<String, Object> role =
                map(map(copy.section("Resources").get(roleLogicalId)).get("Properties"));
        if (role.isEmpty()) {
            throw new IllegalArgumentException("no role " + roleLogicalId + " in the template");
        }
        boolean removed = false;
        for (Object policy : (List<?>) role.getOrDefault("Policies", List.of())) {
            Object statements = map(map(policy).get("PolicyDocument")).get("Statement");
            for (java.util.Iterator<?> it = ((List<?>) statements).iterator(); it.hasNext(); ) {
                Map<String, Object> statement = map(it.next());
                Object actions = statement.get("Action");
                if (actions instanceof List<?> list) {
                    removed |= list.remove(action);
                    if (list.isEmpty()) {
                        it.remove();
                    }
                } else if (action.equals(actions)) {
                    it.remove();
                    removed = true;
                }
            }
        }
        if (!removed) {
            throw new IllegalArgumentException(roleLogicalId + " does not grant " + action);
        }
        return copy;
    }

    private static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(deepCopy(v)));
            return copy;
        }
        return value;
    }

    /** The {@code Conditions} section. */
    public Map<String, Object> conditions() {
        return section("Conditions");
    }

    private Map<String, Object> section(String name) {
        return map(root.getOrDefault(name, Map.of()));
    }

    /** A template node as a map: an empty one when it is absent or not a map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Turns {@code !Name value} into {@code {"Fn::Name": value}} ({@code !Ref} into {@code {"Ref": value}}). */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String function = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                    Object value = switch (node) {
                        case ScalarNode scalar ->
                            function.equals("Fn::GetAtt")
                                    ? List.of(scalar.getValue().split("\\.", 2))
                                    : scalar.getValue();
                        case SequenceNode sequence -> constructSequence(sequence);
                        case MappingNode mapping -> constructMapping(mapping);
                        default -> throw new IllegalArgumentException("unexpected YAML node " + node);
                    };
                    return Map.of(function, value);
                }
            });
        }
    }
}
