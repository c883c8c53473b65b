package org.datafold.api.node;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Answers "why isn't my component active?" for every DataFold platform bundle. */
@ProviderType
public interface Diagnostics {

    /** Every platform component (or bundle) that is not active, with the reasons; empty when healthy. */
    List<ComponentProblem> problems();
}
