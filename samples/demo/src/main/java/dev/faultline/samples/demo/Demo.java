package dev.faultline.samples.demo;

import dev.faultline.cli.experiment.ExperimentCommand;
import dev.faultline.cli.experiment.ExperimentFile;
import dev.faultline.cli.experiment.JournalTable;
import dev.faultline.samples.control.SidecarChaos;
import dev.faultline.samples.experiments.ExperimentFleet;
import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.DockerFleet;
import dev.faultline.samples.fleet.SampleFiles;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The README's one command: the samples' experiment files run by the operator CLI's runner, in this JVM, against
 * fleets this program starts; each run's table printed from the journal it wrote.
 * <ol>
 *   <li>{@code samples/experiments/slow-downstream/experiment.json}: two hello-service JVMs with the built agent
 *       attached, a downstream, a gateway and the load generator; faults armed through the agents' JMX;</li>
 *   <li>where a Docker engine answers (and this runs as root), {@code samples/experiments/replicas/experiment.json}
 *       with 1 replica, then 5, under random crashes by the sidecar; where none does, why not and how to get one.</li>
 * </ol>
 * Options: {@code --no-docker}, {@code --only replicas|slow-downstream}, {@code --rate N} (the load generator's
 * requests per second), {@code --journal-dir DIR} (where the journals go; default a new temporary directory).
 */
public final class Demo {
    /** Both files are written to be checked continuously: once a second during the method. */
    static final String[] RUN_OPTIONS = {"--hypothesis-strategy", "continuously", "--hypothesis-frequency", "1s"};

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        boolean docker = true;
        String only = null;
        int rate = 40;
        Path journals = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--no-docker" -> docker = false;
                case "--only" -> only = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--journal-dir" -> journals = Path.of(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; options: --no-docker, --only replicas|slow-downstream, --rate N, --journal-dir DIR");
                    System.exit(2);
                }
            }
        }
        SampleFiles files = SampleFiles.locate();
        journals = journals != null
                ? Files.createDirectories(journals)
                : Files.createTempDirectory("faultline-demo-journals");
        out.println("Faultline demo (checkout " + files.home() + "); journals in " + journals);
        int failures = 0;

        if (only == null || only.equals("slow-downstream")) {
            out.println();
            out.println("== samples/experiments/slow-downstream/experiment.json: 2 hello-service JVMs with -javaagent:"
                    + files.home().relativize(files.agentJar()) + ", a gateway, " + rate
                    + " requests/s; faults armed through JMX");
            try (ExperimentFleet fleet = ExperimentFleet.startLocal(2, rate)) {
                failures += run(files, "slow-downstream", fleet, journals.resolve("slow-downstream-journal.json"), out);
            }
        }

        if (only == null || only.equals("replicas")) {
            out.println();
            out.println(
                    "== samples/experiments/replicas/experiment.json: replicas under random crashes (needs a Docker engine)");
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
                out.println("Not run: " + files.sidecarJar()
                        + " is missing; build it with `mvn -B -q -DskipTests package`.");
                failures++;
            } else {
                try {
                    String base = DockerFleet.baseImage();
                    out.println(
                            "docker " + Docker.version() + "; building " + DockerFleet.IMAGE + " on " + base + " ...");
                    DockerFleet.buildImage(files, base);
                    for (int replicas : new int[] {1, 5}) {
                        out.println();
                        out.println("-- " + replicas + " replica" + (replicas == 1 ? "" : "s"));
                        try (ExperimentFleet fleet = ExperimentFleet.start(replicas, rate)) {
                            failures += run(
                                    files,
                                    "replicas",
                                    fleet,
                                    journals.resolve("replicas-" + replicas + "-journal.json"),
                                    out);
                        }
                    }
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

    /**
     * Runs {@code samples/experiments/NAME/experiment.json} through the CLI's runner, with the fleet's variables as
     * the file's environment, then prints the table of the journal it wrote. A deviation is a finding, not a failure
     * of the demo: 1 when no journal was written or the runner could not run the file.
     */
    static int run(SampleFiles files, String name, ExperimentFleet fleet, Path journal, PrintStream out)
            throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(fleet.environment());
        env.putIfAbsent("FAULTLINE_SIDECAR_JAR", files.sidecarJar().toString());
        Path file = files.home().resolve("samples/experiments/" + name + "/experiment.json");
        String[] args = new String[RUN_OPTIONS.length + 3];
        args[0] = file.toString();
        System.arraycopy(RUN_OPTIONS, 0, args, 1, RUN_OPTIONS.length);
        args[args.length - 2] = "--journal-path";
        args[args.length - 1] = journal.toString();
        out.println("faultline experiment run " + files.home().relativize(file) + " " + String.join(" ", RUN_OPTIONS)
                + " --journal-path " + journal);
        Files.deleteIfExists(journal);
        // the runner's own progress, indented, so the table below stands out
        StringWriter progress = new StringWriter();
        PrintWriter err = new PrintWriter(System.err, true);
        int exit = ExperimentCommand.runInProcess(env::get, new PrintWriter(progress, true), err, args);
        if (!Files.isRegularFile(journal)) {
            out.print(progress);
            out.println("The run wrote no journal (exit " + exit + ")");
            return 1;
        }
        Map<?, ?> j = (Map<?, ?>) ExperimentFile.parse(Files.readString(journal, StandardCharsets.UTF_8));
        out.println();
        out.print(JournalTable.render(j));
        return 0;
    }
}
