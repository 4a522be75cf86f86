package dev.faultline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.probe.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages, bootstrap and core together, as jdeps reads their classes: no cycle, and the bootstrap (what
 * advice calls from inside JDK classes, loaded by the boot loader) imports nothing of the core.
 */
class PackageGraphTest {
    static final String ROOT = "dev.faultline.agent";

    static PackageGraph graph() {
        return PackageGraph.of(ROOT, Path.of("target", "classes"), Path.of("..", "bootstrap", "target", "classes"));
    }

    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        PackageGraph g = graph();
        assertTrue(
                g.edges().containsKey(ROOT + ".hook") && g.edges().containsKey(ROOT + ".bootstrap"),
                "jdeps saw the packages: " + g.edges());
        assertEquals(List.of(), g.cycle(), "a cycle of package imports");
    }

    @Test
    void theBootstrapImportsNothingOfTheCore() {
        for (var e : graph().edges().entrySet()) {
            if (!e.getKey().startsWith(ROOT + ".bootstrap")) continue;
            for (String to : e.getValue()) {
                assertTrue(to.startsWith(ROOT + ".bootstrap"), e.getKey() + " imports the core's " + to);
            }
        }
    }
}
