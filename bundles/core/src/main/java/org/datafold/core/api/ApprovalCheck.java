package org.datafold.core.api;

import org.datafold.api.FoldException;
import org.datafold.api.schema.Schema;
import org.osgi.annotation.versioning.ConsumerType;

/** Checks a schema before the node approves it (for example the logic of its declarative transforms). */
@ConsumerType
public interface ApprovalCheck {

    /**
     * Checks a schema about to be approved.
     *
     * @throws FoldException to refuse the approval; the schema then stays as it was
     */
    void check(Schema schema);
}
