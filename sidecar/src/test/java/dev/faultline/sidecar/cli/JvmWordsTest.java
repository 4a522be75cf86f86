package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.sidecar.SidecarLease;
import dev.faultline.common.sidecar.Verb;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The jvm verb's words, as the CLI, JMX run() and a leased experiment file give them: parsing only. */
class JvmWordsTest {
    @Test
    void faultTakesTheSpecAsOneWordThenTheTargets() {
        ExperimentPlan p = ExperimentPlanTest.plan(
                "--runtime",
                "docker",
                "jvm",
                "--duration",
                "5s",
                "fault",
                "error on=connect port=8080",
                "web",
                "re2:^api");
        assertEquals(Verb.JVM, p.verb());
        assertEquals(new JvmEffects.Fault(Duration.ofSeconds(5), "error on=connect port=8080", null), p.effect());
        assertEquals("jvm --duration 5000ms fault \"error on=connect port=8080\" web re2:^api", p.canonical());
    }

    @Test
    void faultWithoutItsDurationOrItsSpecIsRefusedWithTheFix() {
        IllegalArgumentException noDuration = assertThrows(
                IllegalArgumentException.class,
                () -> ExperimentPlanTest.plan("--runtime", "docker", "jvm", "fault", "hang on=connect", "web"));
        assertEquals(Durations.MISSING, noDuration.getMessage());
        IllegalArgumentException noSpec = assertThrows(
                IllegalArgumentException.class,
                () -> ExperimentPlanTest.plan("--runtime", "docker", "jvm", "-d", "5s", "fault"));
        assertTrue(noSpec.getMessage().startsWith("jvm fault needs a spec, then targets"), noSpec.getMessage());
    }

    @Test
    void listAndClearTakeTargetsAndListItsJson() {
        ExperimentPlan list = ExperimentPlanTest.plan("--runtime", "docker", "jvm", "list", "--json", "web");
        assertEquals(new JvmEffects.ListJvms(true, null), list.effect());
        assertEquals("jvm list --json web", list.canonical());
        ExperimentPlan clear =
                ExperimentPlanTest.plan("--runtime", "cri", "--namespace", "shop", "jvm", "clear", "re2:^shop/");
        assertEquals(new JvmEffects.Clear(List.of("shop")), clear.effect());
        assertEquals("jvm clear re2:^shop/ --namespace shop", clear.canonical());
    }

    /** An experiment file's lease bounds the fault's duration, hence its ttl; list and clear take it and ignore it. */
    @Test
    void aLeaseBoundsTheFaultsDuration() {
        assertEquals(
                List.of("jvm", "--duration", "90s", "fault", "error on=connect port=1", "web"),
                SidecarLease.apply(
                        List.of("jvm", "--duration", "1h", "fault", "error on=connect port=1", "web"),
                        Duration.ofSeconds(90)));
        assertEquals(
                List.of("jvm", "--duration", "90s", "clear", "web"),
                SidecarLease.apply(List.of("jvm", "clear", "web"), Duration.ofSeconds(90)));
        ExperimentPlan leased =
                ExperimentPlanTest.plan("--runtime", "docker", "jvm", "--duration", "90s", "clear", "web");
        assertEquals(new JvmEffects.Clear(null), leased.effect());
    }
}
