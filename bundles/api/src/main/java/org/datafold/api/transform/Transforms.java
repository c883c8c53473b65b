package org.datafold.api.transform;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The node's transforms: declarative ones from approved schemas and {@link Transform} services. */
@ProviderType
public interface Transforms {

    /** Every transform the node knows, by id. */
    List<TransformInfo> list();

    /** One transform; {@code NOT_FOUND} when unknown. */
    TransformInfo get(String id);

    /**
     * Runs a transform now, on the calling thread, and writes its output like a queued run would.
     *
     * @param rangeKey the row, for a transform whose output is a range field; else null
     * @throws org.datafold.api.FoldException {@code NOT_FOUND}, {@code INVALID_ARGUMENT}, or
     *         {@code UNAVAILABLE} when the transform is not active
     */
    TransformRun run(String id, String rangeKey);
}
