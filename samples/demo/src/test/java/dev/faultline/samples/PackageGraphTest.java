package dev.faultline.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.probe.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The samples' packages (the demo and the hello service), as jdeps reads their classes: no cycle. */
class PackageGraphTest {
    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        PackageGraph g = PackageGraph.of(
                "dev.faultline.samples",
                Path.of("target", "classes"),
                Path.of("..", "hello-service", "target", "classes"));
        assertTrue(g.edges().containsKey("dev.faultline.samples.experiments"), "jdeps saw the packages: " + g.edges());
        assertEquals(List.of(), g.cycle(), "a cycle of package imports");
    }
}
