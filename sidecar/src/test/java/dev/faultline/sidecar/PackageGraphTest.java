package dev.faultline.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.probe.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's packages, as the compiled classes import them (the JDK's jdeps): no cycle, so each package can be read
 * knowing only those below it, and the layout README's table describes. The generated CRI stubs are left out.
 */
class PackageGraphTest {
    static final String ROOT = "dev.faultline.sidecar";

    static PackageGraph graph() {
        return PackageGraph.of(ROOT, pkg -> !pkg.contains(".cri.v1"), Path.of("target", "classes"));
    }

    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        PackageGraph g = graph();
        assertTrue(
                g.edges().containsKey(ROOT + ".cli") && g.edges().containsKey(ROOT + ".runtime.docker"),
                "jdeps saw the packages: " + g.edges());
        assertEquals(List.of(), g.cycle(), "a cycle of package imports");
    }

    @Test
    void theLayersPointOneWay() {
        PackageGraph g = graph();
        String[][] never = {
            {"cli", "jmx"}, // the daemon parses with the command line, not the reverse (Main hands the daemon in)
            {"experiment.change", "runtime"},
            {"experiment.change", "runtime.docker"},
            {"experiment.change", "runtime.cri"},
            {"targets", "runtime"}, // a selection needs a ContainerInventory, not a runtime
            {"network", "runtime.docker"},
            {"experiment.journal", "experiment.change"}
        };
        for (String[] e : never) {
            assertFalse(
                    g.imports(ROOT + "." + e[0], ROOT + "." + e[1]),
                    e[0] + " must not import " + e[1] + ": " + g.edges().get(ROOT + "." + e[0]));
        }
    }
}
