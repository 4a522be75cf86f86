package dev.faultline.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.probe.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** common's packages, as jdeps reads its classes: no cycle. */
class PackageGraphTest {
    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        PackageGraph g = PackageGraph.of("dev.faultline.common", Path.of("target", "classes"));
        assertTrue(g.edges().containsKey("dev.faultline.common.jmx"), "jdeps saw the packages: " + g.edges());
        assertEquals(List.of(), g.cycle(), "a cycle of package imports");
    }
}
