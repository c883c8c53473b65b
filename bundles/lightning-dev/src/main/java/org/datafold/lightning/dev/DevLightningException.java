package org.datafold.lightning.dev;

/** A refusal of the development node; its message is the one LND gives in the same case. */
public final class DevLightningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DevLightningException(String message) {
        super(message);
    }
}
