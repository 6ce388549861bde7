package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Small reference tables (devices, merchants, …) joined into records by key. Each table is one S3 object, JSON or
 * CSV by its suffix, read the first time a record needs it and then kept for the life of the container (not at
 * init: a SnapStart snapshot would freeze it for every environment restored from it). A changed table reaches a
 * container when Lambda recycles it; publish a new version to force it.
 *
 * <ul>
 *   <li>{@code .json}: an object of key → row, each row an object ({@code {"dev-1": {"site": "Berlin"}}}).</li>
 *   <li>{@code .csv}: UTF-8, a header line, the first column is the key, every value a string; RFC 4180 quoting.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ReferenceData {
    /** Reads one object, refusing more than {@code maxBytes}. */
    @FunctionalInterface
    public interface Source {
        byte[] read(URI uri, long maxBytes) throws IOException;
    }

    /** A table could not be read or parsed; not the record's fault, so the invocation should be retried. */
    public static final class LoadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<String, URI> tables;
    private final Source source;
    private final long maxBytes;
    private final Map<String, Map<String, ObjectNode>> loaded = new ConcurrentHashMap<>();

    /**
     * @param tables   table name → {@code s3://} URI
     * @param maxBytes largest table object accepted
     */
    public ReferenceData(Map<String, URI> tables, Source source, long maxBytes) {
        this.tables = Map.copyOf(tables);
        this.source = source;
        this.maxBytes = maxBytes;
    }

    /** The row of {@code key} in {@code table}, or null; loads the table on first use. */
    public ObjectNode lookup(String table, String key) {
        if (key == null) {
            return null;
        }
        return loaded.computeIfAbsent(table, this::load).get(key);
    }

    /** How many tables have been loaded in this container (for logs and tests). */
    public int loadedTables() {
        return loaded.size();
    }

    private Map<String, ObjectNode> load(String table) {
        URI uri = tables.get(table);
        if (uri == null) {
            throw new IllegalArgumentException("no reference table '" + table + "'");
        }
        try {
            byte[] bytes = source.read(uri, maxBytes);
            return uri.getPath().toLowerCase(Locale.ROOT).endsWith(".csv") ? parseCsv(bytes) : parseJson(bytes);
        } catch (IOException | RuntimeException e) {
            throw new LoadException(
                    "reference table '" + table + "' (" + uri + ") could not be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a reference-data URI: {@code s3://<bucket>/<key>} ending in {@code .json} or {@code .csv}.
     *
     * @throws ConfigurationException naming {@code where}
     */
    public static URI parseUri(String text, String where) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(where + ": '" + text + "' is not a URI");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().toLowerCase(Locale.ROOT);
        if (!"s3".equals(uri.getScheme())
                || uri.getHost() == null
                || path.length() < 2
                || !(path.endsWith(".json") || path.endsWith(".csv"))) {
            throw new ConfigurationException(
                    where + ": '" + text + "' must be s3://<bucket>/<key> ending in .json or .csv");
        }
        return uri;
    }

    static Map<String, ObjectNode> parseJson(byte[] bytes) throws IOException {
        JsonNode root = Json.mapper().readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IOException("a JSON reference table must be an object of key -> row");
        }
        Map<String, ObjectNode> rows = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> row = it.next();
            if (!row.getValue().isObject()) {
                throw new IOException("row '" + row.getKey() + "' is not an object");
            }
            rows.put(row.getKey(), (ObjectNode) row.getValue());
        }
        return rows;
    }

    static Map<String, ObjectNode> parseCsv(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> lines = csv(text);
        if (lines.isEmpty()) {
            throw new IOException("a CSV reference table needs a header line");
        }
        List<String> header = lines.getFirst();
        Map<String, ObjectNode> rows = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> cells = lines.get(i);
            if (cells.size() == 1 && cells.getFirst().isEmpty()) {
                continue; // blank line
            }
            if (cells.size() != header.size()) {
                throw new IOException(
                        "CSV line " + (i + 1) + " has " + cells.size() + " cells; the header has " + header.size());
            }
            ObjectNode row = JsonNodeFactory.instance.objectNode();
            for (int c = 1; c < header.size(); c++) {
                row.put(header.get(c), cells.get(c));
            }
            rows.put(cells.getFirst(), row);
        }
        return rows;
    }

    /** RFC 4180: comma-separated, double quotes around cells with commas, quotes or line breaks. */
    private static List<List<String>> csv(String text) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                cells.add(cell.toString());
                cell.setLength(0);
                lines.add(cells);
                cells = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IOException("unterminated quoted CSV cell");
        }
        if (!cell.isEmpty() || !cells.isEmpty()) {
            cells.add(cell.toString());
            lines.add(cells);
        }
        return lines;
    }
}
