package org.datafold.transforms.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.junit.jupiter.api.Test;

/**
 * The transform settings from configuration properties: the documented snake_case keys (through the
 * DS name mapping of {@link TransformConfig}), and the dotted keys the methods once read.
 */
class TransformConfigTest {

    /** The configuration SCR builds from {@code properties}: each method reads its DS key, else its default. */
    private static TransformConfig config(Map<String, ?> properties) {
        return (TransformConfig) Proxy.newProxyInstance(TransformConfig.class.getClassLoader(),
                new Class<?>[] {TransformConfig.class}, (proxy, method, args) -> {
                    String key = method.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
                    Object value = properties.get(key);
                    if (value == null) {
                        return method.getDefaultValue();
                    }
                    return method.getReturnType() == int.class ? Integer.valueOf(value.toString())
                            : method.getReturnType() == long.class ? Long.valueOf(value.toString())
                                    : Boolean.valueOf(value.toString());
                });
    }

    private static TransformRuntime.Settings settings(Map<String, ?> properties) {
        return TransformService.settings(config(properties), properties);
    }

    @Test
    void theDocumentedKeysAreRead() {
        TransformRuntime.Settings s = settings(Map.of("max_depth", "3", "max_attempts", "4", "retry_initial_ms", "5",
                "retry_max_ms", "6", "threads", "7", "enabled", "false"));
        assertThat(s).isEqualTo(new TransformRuntime.Settings(false, 7, 3, 4, 5, 6));
    }

    @Test
    void withoutKeysTheDefaultsApply() {
        assertThat(settings(Map.of())).isEqualTo(TransformRuntime.Settings.defaults());
    }

    @Test
    void dottedKeysAreStillReadUnlessTheDocumentedOneIsGiven() {
        assertThat(settings(Map.of("max.depth", "2", "max.attempts", "3", "retry.initial.ms", "4",
                "retry.max.ms", "5"))).isEqualTo(new TransformRuntime.Settings(true, 2, 2, 3, 4, 5));
        assertThat(settings(Map.of("max.depth", "2", "max_depth", "9")).maxDepth()).isEqualTo(9);
    }

    @Test
    void aDottedKeyThatIsNotANumberNamesThePidAndTheKey() {
        assertThatThrownBy(() -> settings(Map.of("max.depth", "deep")))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
                    assertThat(e.getMessage()).contains(TransformConfig.PID).contains("max.depth");
                });
    }
}
