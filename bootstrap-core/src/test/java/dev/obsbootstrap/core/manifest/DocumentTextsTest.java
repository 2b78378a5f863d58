package dev.obsbootstrap.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Where a stream splits into documents: the separator pattern is tried only where a {@code ---} stands, which must
 * split every stream exactly as trying it at every character does (the reference below, what the code did before).
 */
class DocumentTextsTest {
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");

    @Test
    void separatorsAreFoundOnlyWhereTheyStandOnALineOfTheirOwn() {
        String stream = "---\n# Source: a.yaml\nkind: A\n--- # next\nkind: B\nname: ---\n"
                + "value: a---b\n----\nkind: C\n---\t\n---\r\nkind: D\r\n  ---\nkind: E\n---";

        List<Manifests.DocumentText> texts = Manifests.documentTexts(stream);

        assertThat(texts).extracting(Manifests.DocumentText::firstLine).containsExactly(1, 4, 11);
        assertThat(texts.get(1).text()).contains("name: ---").contains("----").contains("kind: C");
        assertThat(texts.get(2).text()).contains("kind: D").contains("  ---").contains("kind: E");
        assertThat(texts).isEqualTo(reference(stream));
    }

    /** Random streams of separators, near-separators and text: the same documents and lines as the reference. */
    @Test
    void everyStreamSplitsAsTheFullScanSplitsIt() {
        String[] pieces = {
            "---",
            "--- ",
            "---\t# c",
            "----",
            "- --",
            " ---",
            "a: ---",
            "#---",
            "---x",
            "kind: X",
            "",
            "--",
            "---#c",
            "\r",
            "\u2028---",
            "\u0085",
            "---\u2029x",
            "é: ü"
        };
        String[] breaks = {"\n", "\r\n", "\r", "", " "};
        Random random = new Random(20261207);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder stream = new StringBuilder();
            int parts = random.nextInt(12);
            for (int i = 0; i < parts; i++) {
                stream.append(pieces[random.nextInt(pieces.length)]).append(breaks[random.nextInt(breaks.length)]);
            }
            String text = stream.toString();
            assertThat(Manifests.documentTexts(text))
                    .as("%s", text.replace("\n", "\\n"))
                    .isEqualTo(reference(text));
        }
    }

    /** The split by Matcher.find(), trying the pattern at every character. */
    private static List<Manifests.DocumentText> reference(String manifests) {
        List<Manifests.DocumentText> texts = new ArrayList<>();
        Matcher separator = SEPARATOR.matcher(manifests);
        int start = 0;
        int line = 1;
        while (true) {
            boolean found = separator.find();
            int end = found ? separator.start() : manifests.length();
            String text = manifests.substring(start, end);
            if (!Manifests.isBlank(text)) { // comments and white space only: not a document
                texts.add(new Manifests.DocumentText(line, text));
            }
            if (!found) {
                return texts;
            }
            for (int i = manifests.indexOf('\n', start);
                    i >= 0 && i < separator.start();
                    i = manifests.indexOf('\n', i + 1)) {
                line++;
            }
            start = separator.end();
        }
    }
}
