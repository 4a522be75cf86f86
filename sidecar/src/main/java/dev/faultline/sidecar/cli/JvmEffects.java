package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.jvm.AgentJar;
import dev.faultline.sidecar.jvmcontrol.AgentSpec;
import dev.faultline.sidecar.jvmcontrol.AttachOptIn;
import dev.faultline.sidecar.jvmcontrol.FoundJvm;
import dev.faultline.sidecar.jvmcontrol.JvmChange;
import dev.faultline.sidecar.jvmcontrol.JvmSessions;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What the {@code jvm} verbs do, as values of their words. */
final class JvmEffects {
    private JvmEffects() {}

    /** The JVMs in each container, found through its main process's PID namespace. */
    private static List<FoundJvm> jvms(ContainerRuntime runtime, ContainerTarget t) {
        long pid = runtime.hostPid(t);
        if (pid <= 0) return List.of(); // stopped meanwhile
        return JvmSessions.access().find(t.toString(), t.id(), pid);
    }

    /** A line for list() and, on the command line, for its output. */
    private static void say(Runner runner, String line) {
        Experiment.report(line);
        if (runner instanceof ForegroundRunner) System.out.println(line);
    }

    private static void refuseInPodMode(boolean pod) {
        if (pod)
            throw new IllegalArgumentException(
                    "jvm needs the engine's socket and the host's PID namespace (node mode), not pod mode");
    }

    /** {@code jvm list}: one line per JVM; a pod that has not opted in is named, not touched. */
    record ListJvms(boolean json, List<String> namespaces) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.JVM.word() + " " + Verb.LIST_WORD + (json ? " --json" : "");
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            refuseInPodMode(pod);
            return ts -> {
                for (ContainerTarget t : TargetedCommand.containers(ts)) {
                    try {
                        AttachOptIn.check(List.of(t), namespaces);
                    } catch (IllegalArgumentException notOptedIn) {
                        say(
                                runner,
                                json
                                        ? "{\"container\":\"" + t + "\",\"refusal\":\"not opted in\"}"
                                        : t + "  refused: " + notOptedIn.getMessage());
                        continue;
                    }
                    List<FoundJvm> found = jvms(runtime.get(), t);
                    if (found.isEmpty())
                        say(runner, json ? "{\"container\":\"" + t + "\",\"jvms\":0}" : t + "  no JVM");
                    for (FoundJvm j : found) say(runner, json ? j.json() : j.line());
                }
            };
        }
    }

    /**
     * {@code jvm --duration D fault SPEC}: the spec checked by the agent's parser and leased (ttl ≤ D) before anything
     * is selected; every pod opted in and every JVM attachable before anything is attached; then one journalled
     * change per JVM, cleared when D ends, on stop and on shutdown.
     */
    record Fault(Duration duration, String spec, List<String> namespaces) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.JVM.word() + " --duration " + duration.toMillis() + "ms " + Verb.FAULT_WORD + " \"" + spec
                    + "\"";
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            refuseInPodMode(pod);
            String leased = AgentSpec.leased(spec, duration, AgentJar.bundled()); // a refused spec attaches nothing
            return ts -> {
                long since = JvmSessions.mark(); // a jvm clear that starts after this keeps the fault from arming
                List<ContainerTarget> containers = TargetedCommand.containers(ts);
                AttachOptIn.check(containers, namespaces);
                List<FoundJvm> all = new ArrayList<>();
                List<String> refused = new ArrayList<>();
                for (ContainerTarget t : containers) {
                    List<FoundJvm> found = jvms(runtime.get(), t);
                    if (found.isEmpty()) say(runner, t + "  no JVM");
                    for (FoundJvm j : found) {
                        String why = JvmSessions.refusal(j);
                        if (why != null) refused.add(j.container() + " pid " + j.hostPid() + ": " + why);
                        else all.add(j);
                    }
                }
                if (!refused.isEmpty())
                    throw new IllegalStateException(
                            "jvm fault: refused, nothing attached: " + String.join("; ", refused));
                List<Change> armed = new ArrayList<>();
                try {
                    for (FoundJvm j : all) {
                        JvmChange c = new JvmChange(
                                runner.newId() + "-"
                                        + j.containerId()
                                                .substring(
                                                        0,
                                                        Math.min(
                                                                12,
                                                                j.containerId().length())) + "-" + j.hostPid(),
                                j,
                                leased,
                                since,
                                runner.journal());
                        c.apply(duration);
                        armed.add(c);
                        say(
                                runner,
                                j.container() + "  host_pid=" + j.hostPid() + "  armed " + c.faultId() + "  \"" + leased
                                        + "\"");
                    }
                    Experiment.settled(); // armed everywhere: a run() waiting for it returns
                    Thread.sleep(duration.toMillis());
                } finally { // also on stop and SIGTERM: nothing stays armed
                    NetworkShaping.revertAll(armed);
                }
            };
        }
    }

    /** {@code jvm clear}: everything Faultline armed in each JVM, whoever armed it. */
    record Clear(List<String> namespaces) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.JVM.word() + " " + Verb.CLEAR_WORD;
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            refuseInPodMode(pod);
            return ts -> {
                long mark = JvmSessions.mark();
                List<ContainerTarget> containers = TargetedCommand.containers(ts);
                AttachOptIn.check(containers, namespaces);
                for (ContainerTarget t : containers) {
                    for (FoundJvm j : jvms(runtime.get(), t))
                        say(runner, j.container() + "  host_pid=" + j.hostPid() + "  " + JvmSessions.clear(j, mark));
                }
            };
        }
    }
}
