package dev.faultline.sidecar.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.runtime.CriCrashLane;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The crash matrix: the sidecar SIGKILLed at every step of a change (its own kill points, at a random moment inside
 * the step), for each kind of change, then started again — on the Docker engine and on containerd through CRI, the
 * two lanes side by side (each with its own journal and targets). Every time the target must be left exactly as it
 * was before, witnessed from outside the sidecar: {@code tc qdisc show}, {@code iptables-save}, links (nsenter) and
 * the runtime's view (running, not paused or frozen, same process); no watchdog left, nothing open in the journal.
 */
class CrashMatrixIT extends EngineTest {

    /** Docker: targets are containers, named by name; the engine's view is {@code docker inspect}. */
    final class DockerLane implements CrashMatrix.Lane {
        @Override
        public String name() {
            return "docker";
        }

        @Override
        public List<String> runtimeOptions() {
            return List.of();
        }

        @Override
        public CrashMatrix.Target start(String kind) {
            String name = docker.run + "-" + kind.replaceAll("[^a-z]+", "-");
            docker.start(name, List.of(), "sleep", "3600");
            return new CrashMatrix.Target(name, docker.inspect(name, "{{.Id}}").substring(0, 12));
        }

        @Override
        public String witness(CrashMatrix.Target t) {
            return TargetWitness.of(docker, t.selector(), true);
        }

        @Override
        public void restore(CrashMatrix.Target t) {
            String name = t.selector();
            CrashMatrix.stopWatchdogs(t.shortId());
            docker.inNetns(name, "tc", "qdisc", "del", "dev", "eth0", "root");
            docker.inNetns(name, "tc", "qdisc", "del", "dev", "eth0", "ingress");
            docker.inNetns(name, "ip", "link", "del", "flifb0");
            docker.inNetns(name, "iptables", "-F");
            docker.inNetns(name, "ip", "link", "set", "dev", "eth0", "txqueuelen", "0"); // a veth's
            DockerHost.exec(List.of("docker", "unpause", name));
        }
    }

    @Test
    void everyKillPointOfEveryChangeLeavesTheTargetAsItWas() throws Exception {
        List<CrashMatrix.Lane> lanes = new ArrayList<>(List.of(new DockerLane()));
        CriCrashLane cri =
                CriCrashLane.openOrSkip(); // null, with the reason printed, without a CRI (a failure under CI)
        if (cri != null) lanes.add(cri);
        long t0 = System.nanoTime();
        Map<String, CrashMatrix.Outcome> table = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(lanes.size());
        try {
            List<Future<Map<String, CrashMatrix.Outcome>>> runs = new ArrayList<>();
            for (CrashMatrix.Lane lane : lanes) runs.add(pool.submit(() -> new CrashMatrix(lane).run()));
            for (Future<Map<String, CrashMatrix.Outcome>> f : runs) table.putAll(f.get());
        } finally {
            pool.shutdownNow();
            if (cri != null) cri.close();
        }
        String printed = CrashMatrix.print(table, (System.nanoTime() - t0) / 1_000_000_000.0);
        System.out.println(printed);
        Files.writeString(Path.of("target", "crash-matrix.txt"), printed);
        List<String> failures = table.entrySet().stream()
                .filter(e -> e.getValue().leftovers() > 0)
                .map(e -> e.getKey() + ":\n" + String.join("\n", e.getValue().firstLeftovers()))
                .toList();
        assertEquals(List.of(), failures, printed);
        // a kill point that never killed would test nothing: before the revert the kill always wins the race
        table.forEach((k, o) -> {
            if (!k.endsWith("@" + KillPoints.REVERTING))
                assertEquals(o.runs(), o.killed(), k + " was killed every run");
            else assertTrue(o.killed() > 0, k + " was killed at least once");
        });
    }
}
