package org.datafold.payments.api;

import java.util.Collection;

import org.datafold.api.query.Caller;
import org.osgi.annotation.versioning.ProviderType;

/** The payments service of the node: prices of operations. */
@ProviderType
public interface Payments {

    /**
     * The price of an operation on some fields of a schema for a caller.
     *
     * @throws org.datafold.api.FoldException {@code SCHEMA_NOT_FOUND}, {@code FIELD_NOT_FOUND}, or
     *         {@code INVALID_ARGUMENT} when an amount overflows a 64-bit number of satoshis
     */
    PriceQuote quote(Caller caller, String schema, Collection<String> fields, Operation operation);

    /** Whether payments are demanded; when false, prices are computed and shown only. */
    boolean charging();
}
