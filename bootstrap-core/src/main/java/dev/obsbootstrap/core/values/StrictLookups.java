package dev.obsbootstrap.core.values;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * jinjava's failOnUnknownTokens only fails an expression whose whole result is null: {@code x.missing | tojson}
 * renders "null" and {@code x.missing | default(1)} renders 1. Here every lookup is strict on its own: an absent
 * variable or map key throws {@link UnknownVariableException} where it is read. A key that is present with a null
 * value is not unknown.
 */
final class StrictLookups {
    /** Jinja literals jinjava resolves as variables. */
    private static final Set<String> LITERALS = Set.of("none", "None", "null", "true", "True", "false", "False");

    private StrictLookups() {}

    /** Resolves properties like jinjava's read-only default, but a map without the key is an error, not null. */
    static ELResolver resolver() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new StrictMapKeys());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return resolver;
    }

    /** Child interpreters (macro calls) are strict too. */
    static InterpreterFactory interpreterFactory() {
        return new InterpreterFactory() {
            @Override
            public JinjavaInterpreter newInstance(JinjavaInterpreter parent) {
                return new Interpreter(parent);
            }

            @Override
            public JinjavaInterpreter newInstance(Jinjava jinjava, Context context, JinjavaConfig config) {
                return new Interpreter(jinjava, context, config);
            }
        };
    }

    /** Reads top-level variables strictly: the context's bindings, or what the template set or loops over. */
    static final class Interpreter extends JinjavaInterpreter {
        Interpreter(Jinjava jinjava, Context context, JinjavaConfig config) {
            super(jinjava, context, config);
        }

        Interpreter(JinjavaInterpreter parent) {
            super(parent);
        }

        @Override
        public Object retraceVariable(String variable, int lineNumber, int startPosition) {
            Object value = super.retraceVariable(variable, lineNumber, startPosition);
            if (value == null && !LITERALS.contains(variable) && !getContext().containsKey(variable)) {
                throw new UnknownVariableException(variable, true);
            }
            return value;
        }
    }

    /**
     * An absent variable or map key. It is an IllegalArgumentException because jinjava, before calling a method like
     * {@code settings.items()}, probes for a property of that name and treats exactly this exception as "no such
     * property, call the method".
     */
    static final class UnknownVariableException extends IllegalArgumentException {
        private final String name;
        private final boolean topLevel;

        UnknownVariableException(String name, boolean topLevel) {
            super("unknown variable '" + name + "'");
            this.name = name;
            this.topLevel = topLevel;
        }

        String name() {
            return name;
        }

        /** True for a variable of the context; false for a key of a map. */
        boolean topLevel() {
            return topLevel;
        }
    }

    private static final class StrictMapKeys extends ELResolver {
        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (base instanceof Map<?, ?> map && !map.containsKey(property)) {
                throw new UnknownVariableException(String.valueOf(property), false);
            }
            // not resolved: the default resolvers read the value
            return null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            // read-only: the next resolver refuses the write
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return null;
        }
    }
}
