package dev.faultline.sidecar.runtime.cri;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.targets.TargetSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our own pod, the Kubernetes words of a selection, and the journalled thaw scripts, without a runtime. */
class CriContainersTest {
    static CriContainer container(String id, String sandbox, String ns, String pod, String uid) {
        return new CriContainer(
                id,
                sandbox,
                ns,
                pod,
                "app",
                Map.of(CriContainers.POD_UID, uid, CriContainers.NAMESPACE, ns),
                CriContainer.State.RUNNING,
                "busybox");
    }

    @Test
    void ownPodByDownwardApiUidOrByOurCgroup() {
        String uid = "0f1e2d3c-aaaa-bbbb-cccc-000000000001";
        List<CriContainer> all = List.of(
                container("c1", "s1", "faultline", "faultline-x", uid),
                container("c2", "s2", "shop", "web", "0f1e2d3c-aaaa-bbbb-cccc-000000000002"));
        assertEquals(Set.of("s1"), CriContainers.ownPods(all, uid, ""));
        // the systemd driver writes the uid with underscores; cgroupfs with dashes; either names the container
        assertEquals(
                Set.of("s1"),
                CriContainers.ownPods(
                        all,
                        null,
                        "0::/kubepods.slice/kubepods-pod" + uid.replace('-', '_') + ".slice/cri-containerd-x.scope\n"));
        assertEquals(Set.of("s2"), CriContainers.ownPods(all, null, "12:freezer:/kubepods/besteffort/podzzz/c2\n"));
        assertEquals(Set.of(), CriContainers.ownPods(all, null, "0::/user.slice/session-1.scope\n"));
    }

    @Test
    void namespacesNarrowAndKubeSystemOnlyWhenNamed() {
        Map<String, String> shop = Map.of("io.kubernetes.pod.namespace", "shop", "app", "web");
        Map<String, String> sys = Map.of("io.kubernetes.pod.namespace", "kube-system", "app", "web");
        TargetSelector any = new TargetSelector(List.of("re2:web"), Map.of());
        assertTrue(any.matches("shop/web-1/app", shop));
        assertFalse(any.matches("kube-system/web-1/app", sys), "kube-system without --namespace kube-system");
        assertTrue(any.matches("web", Map.of()), "a Docker container has no namespace and is matched as before");
        TargetSelector named = new TargetSelector(List.of("re2:web"), Map.of(), List.of("kube-system"));
        assertTrue(named.matches("kube-system/web-1/app", sys));
        assertFalse(named.matches("shop/web-1/app", shop));
        assertTrue(
                new TargetSelector(List.of(), Map.of(), List.of("shop")).matches("shop/web-1/app", shop),
                "--namespace alone selects");
        assertTrue(
                new TargetSelector(List.of("shop/web-1/app"), Map.of()).matches("shop/web-1/app", shop),
                "namespace/pod/container is a name");
        assertThrows(
                IllegalArgumentException.class,
                () -> new TargetSelector(List.of("x"), Map.of(), List.of("Not_A_Namespace")));
        assertThrows(IllegalArgumentException.class, () -> new TargetSelector(List.of("shop/web/app/extra"), Map.of()));
    }

    @Test
    void theJournalledThawWorksWithoutAJvmAndAGoneCgroupIsThawed(@TempDir Path dir) throws Exception {
        for (CgroupFreezer.Version v : CgroupFreezer.Version.values()) {
            Path cg = Files.createDirectories(dir.resolve(v.name()));
            String file = v == CgroupFreezer.Version.V1 ? "freezer.state" : "cgroup.freeze";
            Files.writeString(cg.resolve(file), v == CgroupFreezer.Version.V1 ? "FROZEN\n" : "1\n");
            CgroupFreezer f = new CgroupFreezer(cg, v);
            NetnsCommand.Result frozen = NetnsCommand.run(0, f.thawedArgv());
            assertFalse(frozen.ok(), v + ": the check passes on a frozen cgroup");
            assertTrue(frozen.output().contains("still says"), frozen.output());
            assertTrue(NetnsCommand.run(0, f.thawArgv()).ok());
            assertTrue(NetnsCommand.run(0, f.thawedArgv()).ok(), v + ": " + Files.readString(cg.resolve(file)));
            Files.delete(cg.resolve(file));
            assertTrue(
                    NetnsCommand.run(0, f.thawArgv()).ok()
                            && NetnsCommand.run(0, f.thawedArgv()).ok(),
                    v + ": a removed container's cgroup is clean");
            assertFalse(Files.exists(cg.resolve(file)), "the thaw must not create the file");
        }
    }
}
