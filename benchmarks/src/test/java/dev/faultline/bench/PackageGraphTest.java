package dev.faultline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faultline.common.probe.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks' packages, as jdeps reads their classes: no cycle. */
class PackageGraphTest {
    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        assertEquals(
                List.of(),
                PackageGraph.of("dev.faultline.bench", Path.of("target", "classes"))
                        .cycle(),
                "a cycle of package imports");
    }
}
