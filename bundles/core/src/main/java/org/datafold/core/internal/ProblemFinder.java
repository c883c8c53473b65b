package org.datafold.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.datafold.api.node.ComponentProblem;
import org.osgi.framework.Bundle;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Turns the state of the platform bundles and their Declarative Services components into a list
 * of problems. Pure: it works on DTOs, so it is tested without a framework.
 */
final class ProblemFinder {

    /** A platform bundle as seen by the finder: its state and its components. */
    record PlatformBundle(BundleDTO bundle, boolean fragment, List<ComponentView> components) {
    }

    /** A component description, whether it is enabled, and its current configurations. */
    record ComponentView(ComponentDescriptionDTO description, boolean enabled,
            List<ComponentConfigurationDTO> configurations) {
    }

    private ProblemFinder() {
    }

    static List<ComponentProblem> find(List<PlatformBundle> bundles) {
        List<ComponentProblem> problems = new ArrayList<>();
        for (PlatformBundle pb : bundles) {
            String bsn = pb.bundle().symbolicName;
            if (!pb.fragment() && pb.bundle().state != Bundle.ACTIVE) {
                problems.add(new ComponentProblem(bsn, "(bundle)", "BUNDLE_NOT_ACTIVE",
                        List.of("bundle " + pb.bundle().id + " is " + stateName(pb.bundle().state))));
                continue;
            }
            for (ComponentView cv : pb.components()) {
                problems.addAll(problemsOf(bsn, cv));
            }
        }
        problems.sort(Comparator.comparing(ComponentProblem::bundle).thenComparing(ComponentProblem::component));
        return problems;
    }

    private static List<ComponentProblem> problemsOf(String bsn, ComponentView cv) {
        ComponentDescriptionDTO d = cv.description();
        if (!cv.enabled()) {
            return List.of(new ComponentProblem(bsn, d.name, "DISABLED",
                    List.of("component is disabled (enable it with scr:enable " + d.name + ")")));
        }
        if (cv.configurations().isEmpty()) {
            if ("require".equals(d.configurationPolicy)) {
                return List.of(new ComponentProblem(bsn, d.name, "UNSATISFIED_CONFIGURATION",
                        List.of("waiting for configuration " + String.join(", ", pids(d))
                                + " (create etc/" + pids(d).get(0) + ".cfg)")));
            }
            // A factory component without instances, or one that SCR has not looked at yet.
            return d.factory == null
                    ? List.of(new ComponentProblem(bsn, d.name, "NOT_CREATED",
                            List.of("no configuration of this component exists yet")))
                    : List.of();
        }
        List<ComponentProblem> out = new ArrayList<>();
        for (ComponentConfigurationDTO c : cv.configurations()) {
            switch (c.state) {
                case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.SATISFIED -> {
                    // healthy: SATISFIED is a delayed component nobody has asked for yet
                }
                case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> out.add(new ComponentProblem(bsn, d.name,
                        "UNSATISFIED_REFERENCE", unsatisfied(d, c)));
                case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> out.add(new ComponentProblem(bsn,
                        d.name, "UNSATISFIED_CONFIGURATION",
                        List.of("waiting for configuration " + String.join(", ", pids(d)))));
                case ComponentConfigurationDTO.FAILED_ACTIVATION -> out.add(new ComponentProblem(bsn, d.name,
                        "FAILED_ACTIVATION", List.of(c.failure == null ? "activation failed" : firstLine(c.failure))));
                default -> out.add(new ComponentProblem(bsn, d.name, "STATE_" + c.state, List.of("unknown state")));
            }
        }
        return out;
    }

    private static List<String> unsatisfied(ComponentDescriptionDTO d, ComponentConfigurationDTO c) {
        List<String> reasons = new ArrayList<>();
        for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
            String iface = Arrays.stream(d.references).filter(r -> r.name.equals(u.name))
                    .map((ReferenceDTO r) -> r.interfaceName).findFirst().orElse("?");
            reasons.add("missing service " + iface + " for reference '" + u.name + "'"
                    + (u.target == null ? "" : " with target " + u.target));
        }
        return reasons.isEmpty() ? List.of("a mandatory reference is not satisfied") : reasons;
    }

    private static List<String> pids(ComponentDescriptionDTO d) {
        return d.configurationPid == null || d.configurationPid.length == 0 ? List.of(d.name)
                : Arrays.asList(d.configurationPid);
    }

    /**
     * The reason in a failure's stack trace: its innermost cause (a constructor's exception arrives
     * wrapped in an {@code InvocationTargetException}), else its first line.
     */
    private static String firstLine(String s) {
        String reason = s;
        int cause = s.lastIndexOf("Caused by: ");
        if (cause >= 0) {
            reason = s.substring(cause + "Caused by: ".length());
        }
        int nl = reason.indexOf('\n');
        return nl < 0 ? reason.trim() : reason.substring(0, nl).trim();
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }
}
