package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.targets.ContainerTarget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kubernetes opt-in: the pod's label or its namespace named; a Docker host's containers need neither. */
class AttachOptInTest {
    static final Map<String, String> POD =
            Map.of(AttachOptIn.NAMESPACE_LABEL, "shop", AttachOptIn.POD_LABEL, "cart-7d9", "app", "cart");

    @Test
    void aPodOptsInByItsLabelOrByItsNamespaceNamed() {
        assertNull(AttachOptIn.refusal(Map.of("app", "web"), null), "Docker: no pod, nothing to opt in");
        String refused = AttachOptIn.refusal(POD, null);
        assertEquals(
                "pod shop/cart-7d9 has not opted in to JVM attach (label faultline.dev/jvm-attach=true on the pod, or "
                        + "name its namespace: --namespace shop)",
                refused);
        assertTrue(AttachOptIn.refusal(POD, List.of("other")) != null, "another namespace named is no opt-in");
        assertNull(AttachOptIn.refusal(POD, List.of("shop")));
        Map<String, String> labelled = new HashMap<>(POD);
        labelled.put(AttachOptIn.LABEL, "true");
        assertNull(AttachOptIn.refusal(labelled, null));
        labelled.put(AttachOptIn.LABEL, "yes");
        assertTrue(AttachOptIn.refusal(labelled, null) != null, "only the value true opts in");
    }

    @Test
    void oneRefusedPodRefusesTheCommandBeforeAnythingIsAttached() {
        ContainerTarget in = new ContainerTarget(
                "a".repeat(64),
                "shop/cart-1/app",
                "running",
                Map.of(AttachOptIn.NAMESPACE_LABEL, "shop", AttachOptIn.LABEL, "true"));
        ContainerTarget out = new ContainerTarget("b".repeat(64), "shop/cart-7d9/app", "running", POD);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AttachOptIn.check(List.of(in, out), null));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "jvm: refused, nothing attached: shop/cart-7d9/app(bbbbbbbbbbbb): pod shop/cart-7d9"),
                e.getMessage());
        AttachOptIn.check(List.of(in), null);
    }
}
