package dev.obsbootstrap.core.helm;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML where every scalar stays a string, the way Helm reads Chart.yaml and index.yaml: a version written
 * {@code 1.10} must not come back as the number 1.1.
 */
final class PlainYaml {
    /** index.yaml of a big repository is tens of megabytes; SnakeYAML's default limit is 3 MB. */
    private static final int MAX_CODE_POINTS = 256 * 1024 * 1024;

    private PlainYaml() {}

    static Yaml create() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                // none: no ints, floats, booleans or timestamps
            }
        });
    }
}
