package dev.obsbootstrap.core.values;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a component's jinjava values template (a classpath resource, {@link ComponentSpec#valuesTemplate()}) for
 * the config's profile and the stack topology, parses the result as YAML and merges the user's values over it.
 *
 * <p>Templates are strict: an unknown variable, filter, test or function is a {@link ConfigException} naming
 * {@code template:line}, never an empty string; so is output that is not YAML. See {@link TemplateContext} for what a
 * template can read. One renderer can be reused for any number of renders.
 *
 * <p>The user's values ({@link BootstrapConfig#valuesFor}) win over the template's: maps merge key by key, lists and
 * scalars replace, and an explicit null replaces too. That null is kept in the result and reaches Helm, which then
 * drops the key from the chart's defaults as well (as {@code helm --set key=null} does).
 */
public final class ValuesRenderer {
    /**
     * What jinjava 2.8.2 offers that reads something besides the template and its variables: the clock (the date and
     * time functions and filters, which default to now or to the machine's time zone), chance ({@code random},
     * {@code shuffle}) and other templates ({@code include}, {@code import}, {@code from}, {@code extends}). Names
     * from jinjava's FunctionLibrary, FilterLibrary and TagLibrary (com.hubspot.jinjava.lib, tag jinjava-2.8.2); each is
     * refused where a template uses it (ValuesRendererTest holds one of each kind to that).
     */
    static final Map<Context.Library, Set<String>> NOT_A_FUNCTION_OF_THE_INPUTS = Map.of(
            // functions by "namespace:name" (MacroFunctionMapper.buildFunctionName); jinjava's own have no namespace
            Context.Library.FUNCTION,
            Set.of(
                    ":datetimeformat",
                    ":format_date",
                    ":format_time",
                    ":format_datetime",
                    ":unixtimestamp",
                    ":today",
                    ":strtotime",
                    ":strtodate"),
            Context.Library.FILTER,
            Set.of(
                    "random",
                    "shuffle",
                    "date",
                    "datetimeformat",
                    "format_date",
                    "format_time",
                    "format_datetime",
                    "unixtimestamp",
                    "between_times",
                    "plus_time",
                    "minus_time",
                    "strtotime",
                    "strtodate"),
            Context.Library.TAG,
            Set.of("include", "import", "from", "extends"));

    private final ClassLoader classLoader;
    private final JinjavaConfig jinjavaConfig;
    private final Jinjava jinjava;

    public ValuesRenderer() {
        this(ValuesRenderer.class.getClassLoader());
    }

    ValuesRenderer(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
        this.jinjavaConfig = JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(true)
                // ...and an unknown variable or key fails where it is read, even inside a longer expression
                .withElResolver(StrictLookups.resolver())
                .withInterperterFactory(StrictLookups.interpreterFactory())
                // a value that happens to contain {{ }} stays text
                .withNestedInterpretationEnabled(false)
                // a tag on its own line leaves an empty line, which YAML ignores; jinjava's trimBlocks would drop it
                // but
                // then reports every later error one line too early per trimmed tag
                .withTrimBlocks(false)
                .withLstripBlocks(true)
                // a render reads its template and its variables, nothing else: no clock, no chance, no other
                // template; so equal inputs render equal values (ValuesInputs), which lets an unchanged up skip it
                .withDisabled(NOT_A_FUNCTION_OF_THE_INPUTS)
                .build();
        this.jinjava = new Jinjava(jinjavaConfig);
    }

    /**
     * Starts, on a daemon thread of its own, what the first values render of a JVM pays once: loading and initialising
     * jinjava and its expression language (~0.35 s of a cold JVM without an AppCDS archive: {@code new
     * ValuesRenderer()}, then 1 to 2 ms for the next). The CLI calls it first thing for {@code plan}, whose first Helm
     * render waits for the first values, so that this runs on the second core while the first reads the command line
     * and the config. It renders a template of its own, reads nothing and prints nothing; a failure here changes
     * nothing (the real render does the same work and reports its own failure).
     */
    public static void prepareInBackground() {
        Thread thread = new Thread(
                () -> {
                    try {
                        new ValuesRenderer()
                                .renderTemplate(
                                        "warm-up", "{% if a %}{{ a | default(1) }}{% endif %}\n", Map.of("a", 1));
                    } catch (RuntimeException | LinkageError e) {
                        // only a head start
                    }
                },
                "values-engine-preparation");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param component   the component whose template to render
     * @param config      the run's config: profile settings, logs and alerting choices, the user's value overrides
     * @param topology    every name, port and UID of the stack
     * @param kubeVersion the target cluster's version (for example 1.31.0), as templates may need it
     * @return the merged values and their YAML
     * @throws ConfigException when the template is missing, fails to render or renders invalid YAML
     */
    public RenderedValues render(
            ComponentSpec component, BootstrapConfig config, StackTopology topology, String kubeVersion) {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(kubeVersion, "kubeVersion");
        String resource = component.valuesTemplate();
        String template = readTemplate(resource, component.id());
        Map<String, Object> context = TemplateContext.of(component, config, topology, kubeVersion);
        String rendered = renderTemplate(resource, template, context);
        Map<String, Object> values = ValuesYaml.parse(resource, template, rendered);
        String registry = config.cluster().imageRegistry();
        if (!registry.isEmpty()) {
            // the mirror goes over the template's values, the user's own values.<component> over both
            values = ValuesYaml.merge(values, component.imageRegistryOverlay(registry));
        }
        Map<String, Object> merged = ValuesYaml.merge(values, config.valuesFor(component.id()));
        return new RenderedValues(component.id(), merged, ValuesYaml.dump(merged));
    }

    private String readTemplate(String resource, String componentId) {
        return Templates.read(classLoader, resource)
                .orElseThrow(() -> new ConfigException("values template " + resource + " of component '" + componentId
                        + "' is not on the classpath: check the component's 'values' entry in the catalog"));
    }

    private String renderTemplate(String resource, String template, Map<String, Object> context) {
        StrictContext strictContext =
                new StrictContext(jinjava.getGlobalContextCopy(), context, jinjavaConfig.getDisabled());
        JinjavaInterpreter interpreter = new StrictLookups.Interpreter(jinjava, strictContext, jinjavaConfig);
        String output = "";
        List<TemplateError> errors = new ArrayList<>();
        try (AutoCloseableImpl<JinjavaInterpreter> ignored =
                JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            output = interpreter.render(template);
        } catch (TemplateSyntaxException e) {
            // some syntax errors (a tag without its expression) are thrown instead of collected
            errors.add(TemplateError.fromException(e));
        } catch (InterpretException e) {
            errors.add(TemplateError.fromSyntaxError(e));
        }
        errors.addAll(interpreter.getErrorsCopy());
        if (!errors.isEmpty()) {
            throw TemplateErrors.toException(resource, template, errors, context);
        }
        return output;
    }
}
