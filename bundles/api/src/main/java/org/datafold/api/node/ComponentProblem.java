package org.datafold.api.node;

import java.util.List;

/**
 * One platform component that is not active, and why.
 *
 * @param bundle    symbolic name of the bundle that declares the component
 * @param component the component name
 * @param state     what state it is in: {@code DISABLED}, {@code UNSATISFIED_CONFIGURATION},
 *                  {@code UNSATISFIED_REFERENCE}, {@code FAILED_ACTIVATION}, {@code BUNDLE_NOT_ACTIVE}
 * @param reasons   human-readable reasons, one per missing reference, configuration or failure
 */
public record ComponentProblem(String bundle, String component, String state, List<String> reasons) {
    public ComponentProblem {
        reasons = List.copyOf(reasons);
    }
}
