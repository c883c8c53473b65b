package org.datafold.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.datafold.api.node.ComponentProblem;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

class ProblemFinderTest {

    private static BundleDTO bundle(String bsn, int state) {
        BundleDTO b = new BundleDTO();
        b.id = 7;
        b.symbolicName = bsn;
        b.state = state;
        return b;
    }

    private static ComponentDescriptionDTO description(String name, String policy, String... pids) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.configurationPolicy = policy;
        d.configurationPid = pids.length == 0 ? new String[] { name } : pids;
        ReferenceDTO ref = new ReferenceDTO();
        ref.name = "storage";
        ref.interfaceName = "org.datafold.storage.api.Storage";
        d.references = new ReferenceDTO[] { ref };
        return d;
    }

    private static ComponentConfigurationDTO configuration(int state) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[0];
        return c;
    }

    private static List<ComponentProblem> find(int bundleState, ProblemFinder.ComponentView... views) {
        return ProblemFinder.find(List.of(new ProblemFinder.PlatformBundle(bundle("org.datafold.x", bundleState),
                false, List.of(views))));
    }

    @Test
    void activeAndSatisfiedComponentsAreHealthy() {
        assertThat(find(Bundle.ACTIVE,
                new ProblemFinder.ComponentView(description("a", "optional"), true,
                        List.of(configuration(ComponentConfigurationDTO.ACTIVE))),
                new ProblemFinder.ComponentView(description("b", "optional"), true,
                        List.of(configuration(ComponentConfigurationDTO.SATISFIED)))))
                .isEmpty();
    }

    @Test
    void bundleNotActiveIsAProblem() {
        List<ComponentProblem> problems = find(Bundle.RESOLVED);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.state()).isEqualTo("BUNDLE_NOT_ACTIVE");
            assertThat(p.reasons()).containsExactly("bundle 7 is RESOLVED (not started)");
        });
    }

    @Test
    void missingRequiredConfigurationNamesThePidAndTheFile() {
        List<ComponentProblem> problems = find(Bundle.ACTIVE, new ProblemFinder.ComponentView(
                description("org.datafold.storage.internal.JeStorage", "require", "org.datafold.storage"), true,
                List.of()));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.state()).isEqualTo("UNSATISFIED_CONFIGURATION");
            assertThat(p.reasons()).containsExactly(
                    "waiting for configuration org.datafold.storage (create etc/org.datafold.storage.cfg)");
        });
    }

    @Test
    void unsatisfiedReferenceNamesTheInterface() {
        ComponentConfigurationDTO c = configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE);
        UnsatisfiedReferenceDTO u = new UnsatisfiedReferenceDTO();
        u.name = "storage";
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] { u };
        List<ComponentProblem> problems = find(Bundle.ACTIVE,
                new ProblemFinder.ComponentView(description("node", "optional"), true, List.of(c)));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.state()).isEqualTo("UNSATISFIED_REFERENCE");
            assertThat(p.reasons()).containsExactly(
                    "missing service org.datafold.storage.api.Storage for reference 'storage'");
        });
    }

    @Test
    void failedActivationCarriesTheFirstLineOfTheFailure() {
        ComponentConfigurationDTO c = configuration(ComponentConfigurationDTO.FAILED_ACTIVATION);
        c.failure = "CONFIGURATION_INVALID: cacheSizeMb must be >= 1\n\tat somewhere";
        assertThat(find(Bundle.ACTIVE, new ProblemFinder.ComponentView(description("s", "require"), true, List.of(c))))
                .singleElement().satisfies(p -> {
                    assertThat(p.state()).isEqualTo("FAILED_ACTIVATION");
                    assertThat(p.reasons()).containsExactly("CONFIGURATION_INVALID: cacheSizeMb must be >= 1");
                });
    }

    @Test
    void aWrappedActivationFailureShowsItsInnermostCause() {
        ComponentConfigurationDTO c = configuration(ComponentConfigurationDTO.FAILED_ACTIVATION);
        c.failure = "java.lang.reflect.InvocationTargetException\n\tat x\nCaused by: java.lang.IllegalStateException: outer"
                + "\n\tat y\nCaused by: org.datafold.api.FoldException: CONFIGURATION_INVALID: bad rule\n\tat z\n";
        assertThat(find(Bundle.ACTIVE, new ProblemFinder.ComponentView(description("s", "require"), true, List.of(c))))
                .singleElement().satisfies(p -> assertThat(p.reasons())
                        .containsExactly("org.datafold.api.FoldException: CONFIGURATION_INVALID: bad rule"));
    }

    @Test
    void disabledComponentIsReported() {
        assertThat(find(Bundle.ACTIVE, new ProblemFinder.ComponentView(description("d", "optional"), false,
                List.of()))).extracting(ComponentProblem::state).containsExactly("DISABLED");
    }

    @Test
    void fragmentsNeedNotBeActive() {
        assertThat(ProblemFinder.find(List.of(new ProblemFinder.PlatformBundle(
                bundle("org.datafold.fragment", Bundle.RESOLVED), true, List.of())))).isEmpty();
    }
}
