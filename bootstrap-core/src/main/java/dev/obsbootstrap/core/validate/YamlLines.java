package dev.obsbootstrap.core.validate;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Line numbers in a multi-document YAML file, so a finding can say {@code file:line}: where document N starts, and
 * where a key path inside it is. Documents are counted exactly as {@link dev.obsbootstrap.core.manifest.Manifests}
 * counts them (blank and comment-only documents skipped), so the numbers of both agree.
 */
final class YamlLines {
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");

    private record Chunk(int firstLine, String text) {
    }

    private final List<Chunk> documents = new ArrayList<>();

    YamlLines(String stream) {
        Matcher separator = DOCUMENT_SEPARATOR.matcher(stream);
        int start = 0;
        while (true) {
            boolean found = separator.find();
            int end = found ? separator.start() : stream.length();
            String text = stream.substring(start, end);
            if (!isBlank(text)) {
                documents.add(new Chunk(lineOf(stream, start), text));
            }
            if (!found) {
                break;
            }
            start = separator.end();
        }
    }

    /** 1-based line of {@code path} in document {@code number} (1-based): the deepest step found; 0 when the document is not there. */
    int line(int number, List<Object> path) {
        if (number < 1 || number > documents.size()) {
            return 0;
        }
        Chunk chunk = documents.get(number - 1);
        Node node;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(64 * 1024 * 1024);
            node = new Yaml(options).compose(new StringReader(chunk.text()));
        } catch (RuntimeException unparseable) {
            return chunk.firstLine() + firstContentLine(chunk.text());
        }
        if (node == null) {
            return chunk.firstLine();
        }
        int line = node.getStartMark().getLine();
        for (Object step : path) {
            Node next = null;
            if (node instanceof MappingNode map && step instanceof String key) {
                for (NodeTuple tuple : map.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
                        line = tuple.getKeyNode().getStartMark().getLine();
                        next = tuple.getValueNode();
                        break;
                    }
                }
            } else if (node instanceof SequenceNode list && step instanceof Integer index && index < list.getValue().size()) {
                next = list.getValue().get(index);
                line = next.getStartMark().getLine();
            }
            if (next == null) {
                break;
            }
            node = next;
        }
        return chunk.firstLine() + line;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int firstContentLine(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String stripped = lines[i].strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return i;
            }
        }
        return 0;
    }

    private static boolean isBlank(String text) {
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return false;
            }
        }
        return true;
    }
}
