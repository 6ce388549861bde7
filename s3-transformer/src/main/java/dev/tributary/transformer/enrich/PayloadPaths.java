package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Dot-separated paths into a payload object ({@code customer.email}). */
final class PayloadPaths {
    private PayloadPaths() {}

    /** The value at {@code path}, or null when any step is missing or not an object. */
    static JsonNode get(ObjectNode payload, String path) {
        JsonNode node = payload;
        int start = 0;
        while (node != null) {
            int dot = path.indexOf('.', start);
            String name = dot < 0 ? path.substring(start) : path.substring(start, dot);
            node = node.isObject() ? node.get(name) : null;
            if (dot < 0) {
                return node;
            }
            start = dot + 1;
        }
        return null;
    }

    /** The object holding the last step of {@code path}, or null when it does not exist. */
    static ObjectNode parent(ObjectNode payload, String path) {
        int dot = path.lastIndexOf('.');
        if (dot < 0) {
            return payload;
        }
        JsonNode parent = get(payload, path.substring(0, dot));
        return parent instanceof ObjectNode object ? object : null;
    }

    /** The last step of {@code path}. */
    static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The value as text: strings as they are, other scalars as their JSON text; null for null or containers. */
    static String scalarText(JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
