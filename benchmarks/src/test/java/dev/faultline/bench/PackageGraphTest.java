package dev.faultline.bench;

import dev.faultline.common.probe.PackageGraph;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmarks' packages, as jdeps reads their classes: no cycle. */
class PackageGraphTest {
    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        assertEquals(List.of(), PackageGraph.of("dev.faultline.bench", Path.of("target", "classes")).cycle(), "a cycle of package imports");
    }
}
