package org.datafold.testsupport;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Component property types (the {@code @interface XxxConfig} a component is activated with) built in a
 * test: every key has its default unless the properties name it, as Declarative Services builds the
 * instance from a configuration. Keys are property names ({@code cache_size_mb}), mapped to methods by
 * the rule of Declarative Services ({@code cache__size__mb()}).
 */
public final class Configs {

    private Configs() {
    }

    /** The defaults of {@code type}. */
    public static <A> A defaults(Class<A> type) {
        return of(type, Map.of());
    }

    /**
     * An instance of {@code type} with the given properties, the defaults elsewhere. Values may be of
     * the key's type, a {@link Number} for any numeric key, a {@link String} for an enum, or a single
     * value or collection for an array.
     *
     * @throws IllegalArgumentException when a property names no key of {@code type}
     */
    public static <A> A of(Class<A> type, Map<String, ?> properties) {
        Map<String, Object> values = new HashMap<>();
        Map<String, Method> byKey = new HashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() == 0 && m.getDefaultValue() != null) {
                byKey.put(key(m.getName()), m);
                values.put(m.getName(), m.getDefaultValue());
            }
        }
        properties.forEach((key, value) -> {
            Method m = byKey.get(key);
            if (m == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no key " + key + " (keys: "
                        + byKey.keySet() + ")");
            }
            values.put(m.getName(), convert(value, m.getReturnType()));
        });
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getSimpleName() + values;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> values.get(method.getName());
                }));
    }

    /** The property a method reads: a double underscore is one underscore, a single one a dot. */
    static String key(String methodName) {
        return methodName.replace("__", "\u0000").replace('_', '.').replace('\u0000', '_').replace("$", "");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object value, Class<?> type) {
        Objects.requireNonNull(value, "value");
        if (type.isArray()) {
            Object[] items = value instanceof Collection<?> c ? c.toArray()
                    : value.getClass().isArray() ? (Object[]) value : new Object[] {value};
            Object out = Array.newInstance(type.getComponentType(), items.length);
            for (int i = 0; i < items.length; i++) {
                Array.set(out, i, convert(items[i], type.getComponentType()));
            }
            return out;
        }
        if (type == int.class && value instanceof Number n) {
            return n.intValue();
        }
        if (type == long.class && value instanceof Number n) {
            return n.longValue();
        }
        if (type == double.class && value instanceof Number n) {
            return n.doubleValue();
        }
        if (type.isEnum() && value instanceof String s) {
            return Enum.valueOf((Class<Enum>) type, s);
        }
        return value;
    }
}
