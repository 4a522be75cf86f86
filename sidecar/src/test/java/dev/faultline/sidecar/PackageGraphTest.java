package dev.faultline.sidecar;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sidecar's packages, as the compiled classes import them (the JDK's jdeps): no cycle, so each package can be read
 * knowing only those below it, and the layout README's table describes. The generated CRI stubs are left out.
 */
class PackageGraphTest {
    static final String ROOT = "dev.faultline.sidecar";

    static Map<String, Set<String>> graph() {
        Path classes = Path.of("target", "classes");
        assertTrue(Files.isDirectory(classes.resolve("dev/faultline/sidecar")), "compiled classes at " + classes.toAbsolutePath());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none", classes.toString());
        assertEquals(0, rc, out.toString());
        Map<String, Set<String>> g = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 3 || !w[1].equals("->") || !ours(w[0]) || !ours(w[2]) || w[0].equals(w[2])) continue;
            g.computeIfAbsent(w[0], k -> new TreeSet<>()).add(w[2]);
        }
        return g;
    }

    static boolean ours(String pkg) {
        return (pkg.equals(ROOT) || pkg.startsWith(ROOT + ".")) && !pkg.contains(".cri.v1");
    }

    @Test
    void thePackagesImportEachOtherWithoutACycle() {
        Map<String, Set<String>> g = graph();
        assertTrue(g.containsKey(ROOT + ".cli") && g.containsKey(ROOT + ".runtime.docker"), "jdeps saw the packages: " + g);
        List<String> cycle = new ArrayList<>();
        for (String start : g.keySet()) {
            if (cycleFrom(start, start, g, new TreeSet<>(), cycle)) break;
        }
        assertEquals(List.of(), cycle, "a cycle of package imports");
    }

    @Test
    void theLayersPointOneWay() {
        Map<String, Set<String>> g = graph();
        String[][] never = {
                {"cli", "jmx"}, // the daemon parses with the command line, not the reverse (Main hands the daemon in)
                {"experiment.change", "runtime"}, {"experiment.change", "runtime.docker"}, {"experiment.change", "runtime.cri"},
                {"targets", "runtime"}, // a selection needs a ContainerInventory, not a runtime
                {"network", "runtime.docker"}, {"experiment.journal", "experiment.change"}};
        for (String[] e : never) {
            assertTrue(!g.getOrDefault(ROOT + "." + e[0], Set.of()).contains(ROOT + "." + e[1]), e[0] + " must not import " + e[1] + ": " + g.get(ROOT + "." + e[0]));
        }
    }

    private static boolean cycleFrom(String start, String at, Map<String, Set<String>> g, Set<String> seen, List<String> path) {
        path.add(at);
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                path.add(next);
                return true;
            }
            if (seen.add(next) && cycleFrom(start, next, g, seen, path)) return true;
        }
        path.remove(path.size() - 1);
        return false;
    }
}
