package dev.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import picocli.CommandLine.Option;

/** {@code --output text|json}: human-readable lines, or one JSON document on standard output for scripts. */
final class OutputOptions {
    enum Format {
        text,
        json
    }

    @Option(
            names = {"-o", "--output"},
            defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }

    /** Prints one JSON document on its own line. */
    static void print(JsonNode document) {
        System.out.println(document.toString());
    }

    static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return Json.mapper().createObjectNode();
    }
}
