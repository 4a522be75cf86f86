package dev.faultline.common.probe;

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
import java.util.function.Predicate;
import java.util.spi.ToolProvider;

/**
 * A module's packages as its compiled classes import them, read by the JDK's jdeps (what the bytecode uses, not
 * what the imports say), and the first cycle among them. Every module's PackageGraphTest uses it: a package can
 * then be read knowing only those below it.
 */
public final class PackageGraph {
    private final Map<String, Set<String>> edges;

    private PackageGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** The graph of the packages under {@code root} (and accepted by {@code ours}) in these class directories. */
    public static PackageGraph of(String root, Predicate<String> ours, Path... classDirs) {
        ToolProvider jdeps =
                ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        Map<String, Set<String>> g = new TreeMap<>();
        for (Path classes : classDirs) {
            if (!Files.isDirectory(classes))
                throw new AssertionError("no compiled classes at " + classes.toAbsolutePath());
            StringWriter out = new StringWriter();
            int rc = jdeps.run(
                    new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none", classes.toString());
            if (rc != 0) throw new AssertionError("jdeps failed (" + rc + "): " + out);
            for (String line : out.toString().split("\n")) {
                String[] w = line.trim().split("\\s+");
                if (w.length < 3 || !w[1].equals("->") || !under(root, w[0]) || !ours.test(w[0])) continue;
                Set<String> to = g.computeIfAbsent(w[0], k -> new TreeSet<>()); // every package is a node
                if (under(root, w[2]) && ours.test(w[2]) && !w[0].equals(w[2])) to.add(w[2]);
            }
        }
        return new PackageGraph(g);
    }

    public static PackageGraph of(String root, Path... classDirs) {
        return of(root, p -> true, classDirs);
    }

    private static boolean under(String root, String pkg) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }

    public Map<String, Set<String>> edges() {
        return edges;
    }

    public boolean imports(String from, String to) {
        return edges.getOrDefault(from, Set.of()).contains(to);
    }

    /** The packages of the first cycle found, the first repeated at the end; empty when there is none. */
    public List<String> cycle() {
        List<String> path = new ArrayList<>();
        for (String start : edges.keySet()) {
            if (cycleFrom(start, start, new TreeSet<>(), path)) return path;
        }
        return List.of();
    }

    private boolean cycleFrom(String start, String at, Set<String> seen, List<String> path) {
        path.add(at);
        for (String next : edges.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                path.add(next);
                return true;
            }
            if (seen.add(next) && cycleFrom(start, next, seen, path)) return true;
        }
        path.remove(path.size() - 1);
        return false;
    }
}
