package org.datafold.mesh.internal;

/**
 * The pattern value every mesh message carries for its global step. Receivers recompute it; a
 * message whose value differs is rejected. Implementations are deterministic and thread-safe.
 */
interface PatternGenerator {

    /** The name used in the configuration and in {@code mesh:status}. */
    String name();

    /**
     * The value for a step.
     *
     * @throws IllegalArgumentException for a negative step
     */
    long value(long step);
}
