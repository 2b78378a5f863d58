package dev.obsbootstrap.core.validate;

import dev.obsbootstrap.core.manifest.Manifests;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Line numbers in a multi-document YAML file, so a finding can say {@code file:line}: where document N starts, and
 * where a key path inside it is. The documents are {@link Manifests#documentTexts}, so their numbers agree with
 * {@link Manifests#documents}.
 */
final class YamlLines {
    private final String stream;
    /** Split on the first question only: most files of a bundle have no finding, and a CRD file is megabytes. */
    private List<Manifests.DocumentText> documents;

    YamlLines(String stream) {
        this.stream = stream;
    }

    /** 1-based line of {@code path} in document {@code number} (1-based): the deepest step found; 0 when the document is not there. */
    int line(int number, List<Object> path) {
        if (documents == null) {
            documents = Manifests.documentTexts(stream);
        }
        if (number < 1 || number > documents.size()) {
            return 0;
        }
        Manifests.DocumentText chunk = documents.get(number - 1);
        Node node;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(64 * 1024 * 1024);
            node = new Yaml(options).compose(new StringReader(chunk.text()));
        } catch (RuntimeException unparseable) {
            return chunk.firstLine();
        }
        if (node == null) {
            return chunk.firstLine();
        }
        int line = node.getStartMark().getLine();
        for (Object step : path) {
            Node next = null;
            if (node instanceof MappingNode map && step instanceof String key) {
                for (NodeTuple tuple : map.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode scalar
                            && scalar.getValue().equals(key)) {
                        line = tuple.getKeyNode().getStartMark().getLine();
                        next = tuple.getValueNode();
                        break;
                    }
                }
            } else if (node instanceof SequenceNode list
                    && step instanceof Integer index
                    && index < list.getValue().size()) {
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
}
