package org.datafold.api.transform;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A Java transform: registered as an OSGi service by any bundle, it computes one field (its
 * {@link #output()}) from others (its {@link #inputs()}). Whenever a committed mutation changes an
 * input, the node queues a run durably, reads every input, calls {@link #apply} and writes the
 * result as a new atom of the output field whose source is {@code transform:<id>}.
 *
 * <p>Fields are named {@code Schema.field}. When the output belongs to a range schema, every input
 * must belong to a range schema too: the transform then runs once per row key, reading each input
 * at the same key. The output field refuses direct writes while the transform is registered.
 *
 * <p>{@link #apply} is called from the node's transform threads, possibly concurrently for
 * different rows; it must not block for long and must not call the node back.
 */
@ConsumerType
public interface Transform {

    /**
     * The service property naming the transform's id when {@link #id()} is not overridden; the
     * default id is the output field name.
     */
    String ID_PROPERTY = "datafold.transform.id";

    /** The transform's id, unique on the node; the default is {@link #output()}. */
    default String id() {
        return output();
    }

    /** The input fields, {@code Schema.field}, at least one. */
    List<String> inputs();

    /** The output field, {@code Schema.field}. */
    String output();

    /**
     * Computes the output value.
     *
     * @param inputs every input field ({@code Schema.field}) with its current value: a
     *               {@link String}, {@link Number}, {@link Boolean}, {@link List} or {@link Map};
     *               never null (a transform with an input without value does not run)
     * @return the value to write: a string, number, boolean, list, map, or null
     * @throws Exception to fail the run; the node records the error and retries with back-off
     */
    Object apply(Map<String, Object> inputs) throws Exception;
}
