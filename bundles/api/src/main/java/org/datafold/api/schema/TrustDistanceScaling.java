package org.datafold.api.schema;

/**
 * {@code None}, {@code {"Linear": {slope, intercept, min_factor}}} or
 * {@code {"Exponential": {base, scale, min_factor}}}. Unused parameters are 0.
 */
public record TrustDistanceScaling(Kind kind, double slope, double intercept, double base, double scale,
        double minFactor) {
    public enum Kind { NONE, LINEAR, EXPONENTIAL }

    public static final TrustDistanceScaling NONE = new TrustDistanceScaling(Kind.NONE, 0, 0, 0, 0, 0);

    public static TrustDistanceScaling linear(double slope, double intercept, double minFactor) {
        return new TrustDistanceScaling(Kind.LINEAR, slope, intercept, 0, 0, minFactor);
    }

    public static TrustDistanceScaling exponential(double base, double scale, double minFactor) {
        return new TrustDistanceScaling(Kind.EXPONENTIAL, 0, 0, base, scale, minFactor);
    }
}
