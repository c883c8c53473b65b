package org.datafold.itests;

import java.util.Locale;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The one setup of the tests that run inside a node: Pax Exam boots one framework per class with
 * the bundles and configuration of the assembled runtime ({@link NodeOptions}) in a fresh home
 * folder named after the class, and every test starts once the node is ready ({@code fold.ready}).
 * A test class extends this and injects the services it drives.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class NodeTestBase {

    /** The bundle context of the test probe. */
    @Inject
    protected BundleContext context;

    @Configuration
    public Option[] config() {
        return NodeOptions.node(getClass().getSimpleName().replaceFirst("IT$", "").toLowerCase(Locale.ROOT));
    }

    /** Probes may use the packages exported for platform bundles only (storage, schema, json). */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return PlatformProbe.of(probe);
    }

    @Before
    public void awaitReady() throws InterruptedException {
        Await.ready(context);
    }
}
