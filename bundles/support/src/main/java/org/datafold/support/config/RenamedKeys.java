package org.datafold.support.config;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;

/**
 * Configuration keys of earlier releases, still read. Every DataFold PID names its keys in
 * snake_case ({@code cache_size_mb}); a component property type spells such a key with double
 * underscores ({@code cache__size__mb()}), since Declarative Services reads one underscore as a dot.
 * A component whose keys were renamed activates with its typed configuration <em>and</em> the raw
 * properties, and reads the configuration through {@link #apply}: where a new key is absent and
 * its old name is set, the old value is used (converted as Declarative Services would convert it),
 * and one warning names the old and the new key. Where both are set, the new key wins and the
 * warning says that the old one is ignored. The properties of a component always hold the new keys
 * (its description carries their defaults), so a new key at its default counts as not set: a file
 * that sets both, the new one to its default, is read with the old value.
 *
 * <p>The one place that knows the rule; components keep their table of old names next to their
 * configuration type.
 */
public final class RenamedKeys {

    private RenamedKeys() {
    }

    /**
     * The configuration as the component should read it.
     *
     * @param type the component property type
     * @param config the instance Declarative Services built from {@code properties}
     * @param properties the component's properties (the configuration as set)
     * @param pid the configuration PID, named in the warnings
     * @param oldToNew old key to new key, for every key renamed
     * @param log where the warnings go (the component's logger)
     * @return {@code config} itself when no old key is set, otherwise a view of it that answers the
     *         renamed keys with their old values
     * @throws IllegalArgumentException naming the PID and both keys when an old value cannot be
     *         converted to the type of its key
     */
    public static <A> A apply(Class<A> type, A config, Map<String, ?> properties, String pid,
            Map<String, String> oldToNew, Logger log) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(config, "config");
        Map<String, Method> methods = new HashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() == 0) {
                methods.put(propertyName(m.getName()), m);
            }
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : oldToNew.entrySet()) {
            String oldKey = e.getKey();
            String newKey = e.getValue();
            Method method = methods.get(newKey);
            if (method == null) {
                throw new IllegalArgumentException(type.getName() + " has no key " + newKey);
            }
            if (properties == null || !properties.containsKey(oldKey)) {
                continue;
            }
            if (isSet(properties, newKey, method)) {
                log.warn("configuration {}: '{}' is ignored, '{}' is set: '{}' is the old name of '{}', remove it",
                        pid, oldKey, newKey, oldKey, newKey);
                continue;
            }
            Object value;
            try {
                value = convert(properties.get(oldKey), method.getReturnType());
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("configuration " + pid + ": " + oldKey + " (now " + newKey
                        + "): " + ex.getMessage(), ex);
            }
            overrides.put(method.getName(), value);
            log.warn("configuration {}: '{}' is the old name of '{}'; it is still read, rename it to '{}'",
                    pid, oldKey, newKey, newKey);
        }
        if (overrides.isEmpty()) {
            return config;
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getParameterCount() == 0 && overrides.containsKey(method.getName())) {
                Object v = overrides.get(method.getName());
                return v != null && v.getClass().isArray() ? copy(v) : v;
            }
            try {
                return method.invoke(config, args);
            } catch (InvocationTargetException ex) {
                throw ex.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /**
     * Whether the configuration sets the key. The component description carries the default of
     * every key of a component property type the component is activated with (bnd writes them), so
     * the properties hold every new key: one at its default counts as not set.
     */
    private static boolean isSet(Map<String, ?> properties, String key, Method method) {
        if (!properties.containsKey(key)) {
            return false;
        }
        Object defaultValue = method.getDefaultValue();
        if (defaultValue == null) {
            return true;
        }
        try {
            return !Objects.deepEquals(convert(properties.get(key), method.getReturnType()), defaultValue);
        } catch (RuntimeException e) {
            return true; // not a valid value, but set: the component reports it
        }
    }

    /**
     * The property a method of a component property type reads, by the rule of Declarative
     * Services 1.4 (112.8.2.1): {@code $$} is {@code $}, {@code $_$} is {@code -}, a single
     * {@code $} is dropped, {@code __} is {@code _} and a single {@code _} is {@code .}.
     */
    public static String propertyName(String methodName) {
        StringBuilder sb = new StringBuilder(methodName.length());
        int n = methodName.length();
        for (int i = 0; i < n; i++) {
            char c = methodName.charAt(i);
            if (c == '$') {
                if (i + 1 < n && methodName.charAt(i + 1) == '$') {
                    sb.append('$');
                    i++;
                } else if (i + 2 < n && methodName.charAt(i + 1) == '_' && methodName.charAt(i + 2) == '$') {
                    sb.append('-');
                    i += 2;
                }
            } else if (c == '_') {
                if (i + 1 < n && methodName.charAt(i + 1) == '_') {
                    sb.append('_');
                    i++;
                } else {
                    sb.append('.');
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Object copy(Object array) {
        int length = Array.getLength(array);
        Object out = Array.newInstance(array.getClass().getComponentType(), length);
        System.arraycopy(array, 0, out, 0, length);
        return out;
    }

    /** A configuration value as the given return type: arrays and collections element by element. */
    static Object convert(Object value, Class<?> target) {
        if (target.isArray()) {
            List<?> items = items(value);
            Object out = Array.newInstance(target.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(out, i, scalar(items.get(i), target.getComponentType()));
            }
            return out;
        }
        List<?> items = items(value);
        return scalar(items.isEmpty() ? null : items.get(0), target);
    }

    private static List<?> items(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> c) {
            return List.copyOf(c);
        }
        if (value.getClass().isArray()) {
            Object[] boxed = new Object[Array.getLength(value)];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = Array.get(value, i);
            }
            return List.of(boxed);
        }
        return List.of(value);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object scalar(Object value, Class<?> target) {
        if (value == null) {
            throw new IllegalArgumentException("no value");
        }
        if (target == String.class) {
            return value.toString();
        }
        String text = value.toString().strip();
        try {
            if (target == boolean.class || target == Boolean.class) {
                return value instanceof Boolean b ? b : Boolean.parseBoolean(text);
            }
            if (target == int.class || target == Integer.class) {
                return value instanceof Number num ? num.intValue() : Integer.parseInt(text);
            }
            if (target == long.class || target == Long.class) {
                return value instanceof Number num ? num.longValue() : Long.parseLong(text);
            }
            if (target == double.class || target == Double.class) {
                return value instanceof Number num ? num.doubleValue() : Double.parseDouble(text);
            }
            if (target.isEnum()) {
                return Enum.valueOf((Class<Enum>) target, text);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid " + target.getSimpleName(), e);
        }
        throw new IllegalArgumentException("values of type " + target.getName() + " are not supported");
    }
}
