package org.datafold.core.internal.engine;

import java.util.List;

/**
 * What the engine asks of the transforms: which fields they compute (those refuse direct writes),
 * and to queue runs for the fields a commit changed, inside that commit's transaction.
 */
public interface TransformHook {

    /** No transforms. */
    TransformHook NONE = new TransformHook() {
        @Override
        public String computedBy(String fieldRef) {
            return null;
        }

        @Override
        public void queue(List<FieldChangeEvent> changes, int depth) {
        }

        @Override
        public void committed() {
        }
    };

    /** The id of the transform computing the field with this data reference, or null. */
    String computedBy(String fieldRef);

    /**
     * Called inside the transaction of a commit that changed fields: records, in that same
     * transaction, a run of every transform reading one of them.
     *
     * @param depth the cascade depth of the runs to queue (1 for a mutation by a caller)
     */
    void queue(List<FieldChangeEvent> changes, int depth);

    /** Called after such a commit (the queued runs may start). */
    void committed();
}
