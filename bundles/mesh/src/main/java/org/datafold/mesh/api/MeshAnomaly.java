package org.datafold.mesh.api;

import java.time.Instant;

/**
 * A message the observers rejected.
 *
 * @param at      when it arrived
 * @param kind    what was wrong
 * @param sender  the sender key the message claimed (may be forged), or null
 * @param address the member address it came from
 * @param step    the global step it carried
 * @param detail  a short explanation (never key material)
 */
public record MeshAnomaly(Instant at, Kind kind, String sender, String address, long step, String detail) {

    /** The kinds of anomaly. */
    public enum Kind {
        /** The pattern value does not match the generator's value for the message's step. */
        PATTERN_MISMATCH,
        /** The step is further ahead of or behind the global step than allowed. */
        STEP_TOO_FAR,
        /** The sender already used this step (or an older one), or the message is too old. */
        REPLAY,
        /** The signature does not verify with the claimed sender's key. */
        BAD_SIGNATURE
    }
}
