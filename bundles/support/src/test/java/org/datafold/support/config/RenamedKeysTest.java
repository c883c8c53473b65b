package org.datafold.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

class RenamedKeysTest {

    enum Mode { FAST, SAFE }

    /** A component property type as the bundles write them. */
    @interface SampleConfig {
        String PID = "org.datafold.sample";
        Map<String, String> OLD_KEYS = Map.of("cacheSizeMb", "cache_size_mb", "maxDiskMb", "max_disk_mb",
                "allowHttp", "allow_http", "durabilityMode", "durability_mode", "allowedHosts", "allowed_hosts",
                "dataDir", "data_dir");

        int cache__size__mb() default 64;

        long max__disk__mb() default 0;

        boolean allow__http() default false;

        Mode durability__mode() default Mode.SAFE;

        String[] allowed__hosts() default {};

        String data__dir() default "data";

        String path() default "run/x.sock";
    }

    /** The defaults, as Declarative Services would build the instance from properties without these keys. */
    private static SampleConfig defaults() {
        return (SampleConfig) Proxy.newProxyInstance(SampleConfig.class.getClassLoader(),
                new Class<?>[] {SampleConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> SampleConfig.class;
                    case "toString" -> "defaults";
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> method.getDefaultValue();
                });
    }

    /** The warnings a component logged, formatted. */
    private static final class Warnings {
        final List<String> lines = new ArrayList<>();
        final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args.length > 0 && args[0] instanceof String format) {
                        Object[] rest = args.length == 2 && args[1] instanceof Object[] a ? a
                                : Arrays.copyOfRange(args, 1, args.length);
                        lines.add(MessageFormatter.arrayFormat(format, rest).getMessage());
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }

    private static SampleConfig apply(Map<String, ?> properties, Warnings warnings) {
        return RenamedKeys.apply(SampleConfig.class, defaults(), properties, SampleConfig.PID, SampleConfig.OLD_KEYS,
                warnings.logger);
    }

    @Test
    void newKeysNeedNothingAndWarnNothing() {
        Warnings warnings = new Warnings();
        SampleConfig config = defaults();
        SampleConfig read = RenamedKeys.apply(SampleConfig.class, config, Map.of("cache_size_mb", "32"),
                SampleConfig.PID, SampleConfig.OLD_KEYS, warnings.logger);

        assertThat(read).isSameAs(config);
        assertThat(warnings.lines).isEmpty();
    }

    @Test
    void anOldKeyIsReadAndWarnedAboutByNamingBothKeys() {
        Warnings warnings = new Warnings();

        SampleConfig read = apply(Map.of("cacheSizeMb", "32"), warnings);

        assertThat(read.cache__size__mb()).isEqualTo(32);
        assertThat(read.max__disk__mb()).as("other keys keep their values").isZero();
        assertThat(read.path()).isEqualTo("run/x.sock");
        assertThat(warnings.lines).containsExactly("configuration org.datafold.sample: 'cacheSizeMb' is the old name"
                + " of 'cache_size_mb'; it is still read, rename it to 'cache_size_mb'");
    }

    @Test
    void oldValuesAreConvertedToTheTypeOfTheirKey() {
        Warnings warnings = new Warnings();

        SampleConfig read = apply(Map.of("cacheSizeMb", 16, "maxDiskMb", " 2048 ", "allowHttp", "true",
                "durabilityMode", "FAST", "allowedHosts", List.of("a.example", "b.example"), "dataDir", "/srv/data"),
                warnings);

        assertThat(read.cache__size__mb()).isEqualTo(16);
        assertThat(read.max__disk__mb()).isEqualTo(2048L);
        assertThat(read.allow__http()).isTrue();
        assertThat(read.durability__mode()).isEqualTo(Mode.FAST);
        assertThat(read.allowed__hosts()).containsExactly("a.example", "b.example");
        assertThat(read.data__dir()).isEqualTo("/srv/data");
        assertThat(read.annotationType()).isEqualTo(SampleConfig.class);
        assertThat(warnings.lines).hasSize(6);
    }

    @Test
    void aSingleValueForAnArrayKeyIsAnArrayOfOne() {
        SampleConfig read = apply(Map.of("allowedHosts", "a.example"), new Warnings());

        assertThat(read.allowed__hosts()).containsExactly("a.example");
    }

    @Test
    void whenBothAreSetTheNewKeyWinsAndTheOldOneIsSaidToBeIgnored() {
        Warnings warnings = new Warnings();
        SampleConfig config = defaults();

        SampleConfig read = RenamedKeys.apply(SampleConfig.class, config, Map.of("cacheSizeMb", "32",
                "cache_size_mb", "48"), SampleConfig.PID, SampleConfig.OLD_KEYS, warnings.logger);

        assertThat(read).as("Declarative Services already read the new key").isSameAs(config);
        assertThat(warnings.lines).singleElement().asString()
                .contains("'cacheSizeMb' is ignored, 'cache_size_mb' is set");
    }

    @Test
    void aNewKeyAtItsDefaultAsEveryComponentDescriptionCarriesItDoesNotHideTheOldOne() {
        Warnings warnings = new Warnings();

        // bnd writes the defaults into the component description: DS passes them with the configuration
        SampleConfig read = apply(Map.of("cache_size_mb", 64, "max_disk_mb", 0L, "allowed_hosts", new String[0],
                "cacheSizeMb", "32", "allowedHosts", "a.example"), warnings);

        assertThat(read.cache__size__mb()).isEqualTo(32);
        assertThat(read.allowed__hosts()).containsExactly("a.example");
        assertThat(warnings.lines).hasSize(2).allSatisfy(l -> assertThat(l).contains("it is still read"));
    }

    @Test
    void anOldValueOfTheWrongTypeFailsNamingThePidAndBothKeys() {
        assertThatThrownBy(() -> apply(Map.of("maxDiskMb", "lots"), new Warnings()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("configuration org.datafold.sample: maxDiskMb (now max_disk_mb): 'lots' is not a valid"
                        + " long");
    }

    @Test
    void aTableNamingAKeyTheTypeLacksIsAProgrammingError() {
        assertThatThrownBy(() -> RenamedKeys.apply(SampleConfig.class, defaults(), Map.of(), SampleConfig.PID,
                Map.of("old", "no_such_key"), new Warnings().logger))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_key");
    }

    @Test
    void propertyNamesFollowTheDeclarativeServicesRule() {
        assertThat(RenamedKeys.propertyName("cache__size__mb")).isEqualTo("cache_size_mb");
        assertThat(RenamedKeys.propertyName("max_depth")).isEqualTo("max.depth");
        assertThat(RenamedKeys.propertyName("my$_$key")).isEqualTo("my-key");
        assertThat(RenamedKeys.propertyName("cost$$")).isEqualTo("cost$");
        assertThat(RenamedKeys.propertyName("$path")).isEqualTo("path");
        assertThat(RenamedKeys.propertyName("enabled")).isEqualTo("enabled");
    }

    @Test
    void anAnnotationTypeIsStillAnAnnotationThroughTheView() {
        SampleConfig read = apply(Map.of("cacheSizeMb", "8"), new Warnings());

        assertThat(read).isInstanceOf(Annotation.class);
    }
}
