package org.datafold.storage.internal;

/** A public top-level value type, so that a copy loaded by another class loader is usable. */
public record Memo(String text) {
}
