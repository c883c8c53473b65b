package org.datafold.examples.fahrenheit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.datafold.api.transform.Transform;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The Java transform {@value #ID}: {@code Temperature.fahrenheit = Temperature.celsius * 9 / 5 + 32},
 * rounded half up to a number of decimals. The bundle ships the {@code Temperature} schema
 * ({@code DataFold-Schemas: schemas}); once the owner approves it, every committed write of
 * {@code celsius} makes the node run this transform and write {@code fahrenheit} (source
 * {@code transform:sample.fahrenheit}). {@code fahrenheit} itself is not writable.
 *
 * <p>The number of decimals comes from the resource {@value #RESOURCE} inside the bundle
 * ({@code decimals=1} as built, 0 to 6), read once at activation. It is the behaviour a new version
 * of the bundle changes: the integration test {@code ExamplesIT} copies the built jar, rewrites
 * that resource to {@code decimals=0}, raises {@code Bundle-Version} and drops the copy into
 * {@code deploy/}, after which new outputs are whole numbers.
 */
@Component(service = Transform.class, immediate = true, property = Transform.ID_PROPERTY + "=" + FahrenheitTransform.ID)
public final class FahrenheitTransform implements Transform {

    static final String ID = "sample.fahrenheit";
    static final String INPUT = "Temperature.celsius";
    static final String OUTPUT = "Temperature.fahrenheit";
    static final String RESOURCE = "sample-transform.properties";

    private static final BigDecimal NINE_FIFTHS = new BigDecimal("1.8");
    private static final BigDecimal THIRTY_TWO = new BigDecimal(32);

    private final int decimals;
    private final Logger log;

    @Activate
    public FahrenheitTransform(@Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
        this.decimals = decimals(load());
        log.info("transform {} started: {} -> {}, {} decimal(s)", ID, INPUT, OUTPUT, decimals);
    }

    @Deactivate
    void deactivate() {
        log.info("transform {} stopped", ID);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> inputs() {
        return List.of(INPUT);
    }

    @Override
    public String output() {
        return OUTPUT;
    }

    @Override
    public Object apply(Map<String, Object> inputs) {
        Object celsius = inputs.get(INPUT);
        if (!(celsius instanceof Number n)) {
            throw new IllegalArgumentException(INPUT + " must be a number, was " + celsius);
        }
        BigDecimal f = new BigDecimal(n.toString()).multiply(NINE_FIFTHS).add(THIRTY_TWO)
                .setScale(decimals, RoundingMode.HALF_UP);
        return decimals == 0 ? (Object) f.longValueExact() : (Object) f.doubleValue();
    }

    private Properties load() {
        Properties settings = new Properties();
        try (InputStream in = FahrenheitTransform.class.getResourceAsStream("/" + RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(ID + ": the bundle has no " + RESOURCE);
            }
            settings.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(ID + ": cannot read " + RESOURCE, e);
        }
        return settings;
    }

    private static int decimals(Properties settings) {
        String value = settings.getProperty("decimals", "1").trim();
        try {
            int d = Integer.parseInt(value);
            if (d >= 0 && d <= 6) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(ID + ": " + RESOURCE + ": decimals must be a whole number from 0 to 6, was '"
                + value + "'");
    }
}
