import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Fails the build when the runtime's bundle set stops resolving: installs every jar of system/
 * into a fresh framework (the same Felix the node runs), resolves them all, and reports each
 * bundle that does not resolve with the framework's own reason.
 *
 * Usage: java -cp felix.jar ResolveCheck.java <system-dir> <scratch-dir>
 */
public class ResolveCheck {
    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, args[1]);
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("felix.log.level", "0");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        fw.init();
        BundleContext ctx = fw.getBundleContext();
        File[] jars = dir.listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            System.err.println("resolve-check: no bundles in " + dir);
            System.exit(1);
        }
        Arrays.sort(jars);
        List<Bundle> bundles = new ArrayList<>();
        for (File jar : jars) {
            bundles.add(ctx.installBundle(jar.toURI().toString()));
        }
        fw.adapt(FrameworkWiring.class).resolveBundles(bundles);
        int failures = 0;
        for (Bundle b : bundles) {
            if (b.getState() == Bundle.INSTALLED) {
                failures++;
                String reason;
                try {
                    b.start(); // does not start anything: the framework is not started; it reports why
                    reason = "unresolved";
                } catch (BundleException e) {
                    reason = e.getMessage();
                }
                System.err.println("resolve-check: " + b.getSymbolicName() + " " + b.getVersion() + " does not resolve: "
                        + reason);
            }
        }
        fw.stop();
        fw.waitForStop(10_000);
        if (failures > 0) {
            System.err.println("resolve-check: " + failures + " of " + bundles.size() + " bundles do not resolve");
            System.exit(1);
        }
        System.out.println("resolve-check: all " + bundles.size() + " bundles of " + dir + " resolve");
    }
}
