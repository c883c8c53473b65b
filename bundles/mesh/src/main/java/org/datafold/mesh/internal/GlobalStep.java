package org.datafold.mesh.internal;

/**
 * The global step as this node knows it: a logical clock. Sending takes the next step; every
 * accepted message moves it up to the message's step if that is higher. Nodes that exchange
 * messages therefore converge on the highest step any of them reached, whatever the order, which is
 * also how the two sides of a healed partition reconcile.
 */
final class GlobalStep {

    private long value;

    /** The current step. */
    synchronized long get() {
        return value;
    }

    /** Advances by one and returns the new step (the step of a message being sent). */
    synchronized long next() {
        return ++value;
    }

    /** Moves up to {@code step} if it is higher; returns the current step. */
    synchronized long observe(long step) {
        if (step > value) {
            value = step;
        }
        return value;
    }
}
