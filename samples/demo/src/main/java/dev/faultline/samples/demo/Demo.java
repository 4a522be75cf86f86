package dev.faultline.samples.demo;

import dev.faultline.samples.control.SidecarChaos;
import dev.faultline.samples.experiments.ReplicasExperiment;
import dev.faultline.samples.experiments.SlowDownstreamExperiment;
import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.DockerFleet;
import dev.faultline.samples.fleet.Fleet;
import dev.faultline.samples.fleet.LocalFleet;
import dev.faultline.samples.fleet.SampleFiles;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The README's one command: the whole loop on this machine.
 * <ol>
 *   <li>two hello-service JVMs with the built agent attached, one downstream, a gateway and the load
 *       generator; faults armed and cleared through remote JMX; the table before, during and after;</li>
 *   <li>where a Docker engine answers, the replicas experiment (1 replica, then 5, under random crashes by
 *       the sidecar); where none does, why not and how to get one.</li>
 * </ol>
 * Options: {@code --no-docker}, {@code --only replicas|slow-downstream}, {@code --containers} (the
 * in-process part on containers instead of local JVMs), {@code --rate N},
 * {@code --phase-seconds N}, {@code --chaos-seconds N}, {@code --kill-interval-seconds N}.
 */
public final class Demo {

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        boolean docker = true;
        boolean containers = false;
        String only = null;
        int rate = 40;
        int phaseSeconds = 5;
        int chaosSeconds = 30;
        int killIntervalSeconds = 4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--no-docker" -> docker = false;
                case "--containers" -> containers = true;
                case "--only" -> only = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--phase-seconds" -> phaseSeconds = Integer.parseInt(args[++i]);
                case "--chaos-seconds" -> chaosSeconds = Integer.parseInt(args[++i]);
                case "--kill-interval-seconds" -> killIntervalSeconds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; options: --no-docker, --only replicas|slow-downstream, --containers, "
                            + "--rate N, --phase-seconds N, --chaos-seconds N, --kill-interval-seconds N");
                    System.exit(2);
                }
            }
        }
        SampleFiles files = SampleFiles.locate();
        out.println("Faultline demo (checkout " + files.home() + ")");
        int failures = 0;

        if (only == null || only.equals("slow-downstream")) {
            out.println();
            out.println("== In-process faults through JMX: 2 hello-service " + (containers ? "containers" : "JVMs")
                    + " with -javaagent:" + files.home().relativize(files.agentJar()) + ", a gateway, " + rate + " requests/s");
            if (containers) {
                String base = DockerFleet.baseImage();
                out.println("building " + DockerFleet.IMAGE + " on " + base + " ...");
                DockerFleet.buildImage(files, base);
            }
            try (Fleet fleet = containers ? DockerFleet.start(2, true) : LocalFleet.start(files, 2)) {
                List<SlowDownstreamExperiment.Outcome> outcomes =
                        new SlowDownstreamExperiment(fleet, rate, Duration.ofSeconds(phaseSeconds), out).run();
                out.println();
                out.print(SlowDownstreamExperiment.table(outcomes).render());
            }
        }

        if (only == null || only.equals("replicas")) {
            out.println();
            out.println("== Replicas under random crashes (needs a Docker engine)");
            Optional<String> noDocker = docker ? Docker.unavailableReason() : Optional.of("skipped (--no-docker)");
            if (noDocker.isPresent()) {
                out.println("Not run: " + noDocker.get());
                out.println("To run it: install Docker Engine (https://docs.docker.com/engine/install/), start it "
                        + "(`sudo systemctl start docker`, or `dockerd &`), check with `docker info`, then run this "
                        + "command again or samples/experiments/replicas/run.sh.");
            } else if (!SidecarChaos.runsAsRoot()) {
                out.println("Not run: the sidecar's crash verb signals the containers' main processes from this host's "
                        + "PID namespace, which needs root. Run this command as root (e.g. with sudo).");
            } else if (!Files.isRegularFile(files.sidecarJar())) {
                out.println("Not run: " + files.sidecarJar() + " is missing; build it with `mvn -B -q -DskipTests package`.");
                failures++;
            } else {
                try {
                    String base = DockerFleet.baseImage();
                    out.println("docker " + Docker.version() + "; building " + DockerFleet.IMAGE + " on " + base + " ...");
                    DockerFleet.buildImage(files, base);
                    List<ReplicasExperiment.Run> runs = new ReplicasExperiment(files.sidecarJar(),
                            Duration.ofSeconds(chaosSeconds), Duration.ofSeconds(killIntervalSeconds), rate, out).run(1, 5);
                    out.println();
                    out.print(ReplicasExperiment.table(runs).render());
                } catch (RuntimeException e) {
                    // Most likely the image build: without a registry, build a local base first (bash .ci/images.sh).
                    out.println("The replicas experiment failed: " + e.getMessage());
                    out.println("Without access to a registry, build the local base image first: bash .ci/images.sh "
                            + "(or pass -Dfaultline.baseImage=<a JRE 17 image you have>).");
                    failures++;
                }
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

}
