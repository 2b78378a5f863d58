package dev.obsbootstrap.core.values;

import dev.obsbootstrap.core.config.BootstrapConfig;
import dev.obsbootstrap.core.config.ComponentSpec;
import dev.obsbootstrap.core.config.StackTopology;
import dev.obsbootstrap.core.digest.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A digest of everything {@link ValuesRenderer#render} reads for one component, computed without the template engine:
 * the template's text, every variable the template sees ({@link TemplateContext}, the cluster's version included), the
 * image registry overlay, the user's values for the component, and the code that renders (a fingerprint of the build,
 * the Java version and the default locale). Rendering is a function of these alone (no clock, environment, file or
 * network is read: templates are strict and include nothing), so equal digests render equal values: {@code up} then
 * takes the digests it recorded for those values instead of rendering them again.
 *
 * <p>The digest is of a type-tagged encoding (a map, a list, a string, a number of a given class, ...), so that no two
 * different inputs encode the same. A value of any other type makes the inputs undigestible (empty): then the
 * caller renders, as it would without a digest.
 */
public final class ValuesInputs {
    private static final byte[] DOMAIN = "obs-bootstrap values inputs v1".getBytes(StandardCharsets.UTF_8);

    private ValuesInputs() {}

    /**
     * @param codeFingerprint identifies the code that renders (the build's own classes and libraries): a different
     *                        build may render the same inputs differently, so it never shares a digest
     * @return the digest, or empty when the template is missing or an input is of a type this encoding does not know
     */
    public static Optional<String> digest(
            ComponentSpec component,
            BootstrapConfig config,
            StackTopology topology,
            String kubeVersion,
            String codeFingerprint) {
        Objects.requireNonNull(codeFingerprint, "codeFingerprint");
        Optional<String> template = Templates.read(ValuesInputs.class.getClassLoader(), component.valuesTemplate());
        if (template.isEmpty()) {
            return Optional.empty(); // the render reports it
        }
        MessageDigest digest = Sha256.newDigest();
        digest.update(DOMAIN);
        try {
            Encoder encoder = new Encoder(digest);
            encoder.value(codeFingerprint);
            encoder.value(System.getProperty("java.version", ""));
            encoder.value(Locale.getDefault().toLanguageTag());
            encoder.value(component.valuesTemplate());
            encoder.value(template.get());
            encoder.value(TemplateContext.of(component, config, topology, kubeVersion));
            String registry = config.cluster().imageRegistry();
            encoder.value(registry);
            encoder.value(registry.isEmpty() ? Map.of() : component.imageRegistryOverlay(registry));
            encoder.value(config.valuesFor(component.id()));
        } catch (Undigestible e) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    /** An input of a type the encoding does not know. */
    private static final class Undigestible extends RuntimeException {
        Undigestible() {
            super(null, null, false, false);
        }
    }

    /** Writes each value with its type and length first, in iteration order (maps keep the order they render in). */
    private record Encoder(MessageDigest digest) {
        void value(Object value) {
            if (value == null) {
                tag('0', 0);
            } else if (value instanceof String text) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                tag('s', bytes.length);
                digest.update(bytes);
            } else if (value instanceof Boolean bool) {
                tag(bool ? 't' : 'f', 0);
            } else if (value instanceof Number number && isPlainNumber(number)) {
                // the class too: 1 (Integer) and 1.0 (Double) are rendered differently
                byte[] bytes = (number.getClass().getName() + ":" + number).getBytes(StandardCharsets.UTF_8);
                tag('n', bytes.length);
                digest.update(bytes);
            } else if (value instanceof Map<?, ?> map) {
                tag('m', map.size());
                map.forEach((key, item) -> {
                    value(key);
                    value(item);
                });
            } else if (value instanceof List<?> list) {
                tag('l', list.size());
                list.forEach(this::value);
            } else {
                throw new Undigestible();
            }
        }

        private void tag(char type, int length) {
            digest.update(ByteBuffer.allocate(5).put((byte) type).putInt(length).array());
        }

        private static boolean isPlainNumber(Number number) {
            return number instanceof Integer
                    || number instanceof Long
                    || number instanceof Double
                    || number instanceof Float
                    || number instanceof Short
                    || number instanceof Byte
                    || number instanceof java.math.BigInteger
                    || number instanceof java.math.BigDecimal;
        }
    }
}
