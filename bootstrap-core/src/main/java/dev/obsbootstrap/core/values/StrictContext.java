package dev.obsbootstrap.core.values;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;
import java.util.Set;

/**
 * The render context of one template. jinjava with failOnUnknownTokens rejects unknown variables, but an unknown
 * filter or test only turns its expression into null: `x | nosuch | default('y')` would quietly render 'y'.
 * Here both are errors, named as such.
 */
final class StrictContext extends Context {
    StrictContext(Context parent, Map<String, ?> bindings, Map<Library, Set<String>> disabled) {
        super(parent, bindings, disabled);
    }

    @Override
    public Filter getFilter(String name) {
        Filter filter = super.getFilter(name);
        if (filter == null) {
            throw new UnknownNameException("filter", name);
        }
        return filter;
    }

    @Override
    public ExpTest getExpTest(String name) {
        ExpTest test = super.getExpTest(name);
        if (test == null) {
            throw new UnknownNameException("test", name);
        }
        return test;
    }

    /** Thrown from inside jinjava; {@link TemplateErrors} finds it in the error's cause chain. */
    static final class UnknownNameException extends RuntimeException {
        private final String kind;
        private final String name;

        UnknownNameException(String kind, String name) {
            super("unknown " + kind + " '" + name + "'");
            this.kind = kind;
            this.name = name;
        }

        String kind() {
            return kind;
        }

        String name() {
            return name;
        }
    }
}
