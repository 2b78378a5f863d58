package dev.obsbootstrap.core.values;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Where two values trees differ, as dotted key paths: what drift and diff name, never the values themselves. */
public final class ValuesPaths {
    private ValuesPaths() {}

    /**
     * Every path whose value differs between {@code a} and {@code b}: a leaf with another value, a key present on one
     * side only, a list that is not equal (lists are compared whole, at their path). Sorted.
     */
    public static List<String> changed(Map<?, ?> a, Map<?, ?> b) {
        TreeSet<String> paths = new TreeSet<>();
        walk("", a, b, paths);
        return List.copyOf(paths);
    }

    private static void walk(String prefix, Object a, Object b, TreeSet<String> paths) {
        if (a instanceof Map<?, ?> left && b instanceof Map<?, ?> right) {
            TreeSet<String> keys = new TreeSet<>();
            left.keySet().forEach(key -> keys.add(String.valueOf(key)));
            right.keySet().forEach(key -> keys.add(String.valueOf(key)));
            for (String key : keys) {
                walk(prefix.isEmpty() ? key : prefix + "." + key, left.get(key), right.get(key), paths);
            }
            return;
        }
        if (!equalValues(a, b)) {
            paths.add(prefix.isEmpty() ? "(the whole values)" : prefix);
        }
    }

    /** Numbers compare by value (YAML's 1 and JSON's 1.0 are the same setting). */
    private static boolean equalValues(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString())) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equalValues(x.get(i), y.get(i))
                        && !(x.get(i) instanceof Map<?, ?>
                                && y.get(i) instanceof Map<?, ?>
                                && changed((Map<?, ?>) x.get(i), (Map<?, ?>) y.get(i))
                                        .isEmpty())) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }
}
