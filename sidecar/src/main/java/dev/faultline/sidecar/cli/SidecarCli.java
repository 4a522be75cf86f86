package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.GlobalOptions;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.detect.Runtimes;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code faultline-sidecar [--random] [--interval D] [--limit N] [--dry-run] [--label k=v] <verb> …}: Pumba's
 * words. The same parse serves the CLI and the daemon's JMX {@code run("…")}.
 */
@Command(name = "faultline-sidecar", mixinStandardHelpOptions = true, versionProvider = SidecarCli.Version.class)
public final class SidecarCli {
    /** The verbs, in the order the help lists them. */
    private static final Map<String, Class<?>> VERBS = verbs();

    private static Map<String, Class<?>> verbs() {
        Map<String, Class<?>> v = new LinkedHashMap<>();
        for (Verb verb : Verb.values()) v.put(verb.word(), command(verb));
        return v;
    }

    /** The picocli command of each verb. */
    private static Class<?> command(Verb verb) {
        return switch (verb) {
            case KILL -> ContainerVerbs.Kill.class;
            case STOP -> ContainerVerbs.Stop.class;
            case PAUSE -> ContainerVerbs.Pause.class;
            case RESTART -> ContainerVerbs.Restart.class;
            case RM -> ContainerVerbs.Remove.class;
            case CRASH -> ContainerVerbs.Crash.class;
            case EXEC -> ExecCommand.class;
            case STRESS -> StressCommand.class;
            case NETEM -> NetemCommand.class;
            case IPTABLES -> IptablesCommand.class;
            case JVM -> JvmCommand.class;
            case DAEMON -> DaemonCommand.class;
        };
    }

    /** The help's description: the verbs that act on targets (not the daemon). */
    private static String description() {
        StringJoiner verbs = new StringJoiner(", ", "", ".");
        for (Verb v : Verb.values()) if (!v.backends().isEmpty()) verbs.add(v.word());
        return "Container chaos on a Docker engine or a CRI runtime (containerd, CRI-O): " + verbs;
    }

    /** Every verb's name: a word picocli would take as a subcommand. */
    static Set<String> verbNames() {
        return VERBS.keySet();
    }

    final Runner runner;

    @Option(names = GlobalOptions.RANDOM, description = "act on one matching container chosen at random")
    boolean random;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Duration interval;

    int limit;

    @Option(
            names = GlobalOptions.INTERVAL,
            converter = DurationConverter.class,
            description = "repeat every interval (e.g. 30s, at least 100ms) until --limit or a stop")
    void interval(Duration d) {
        // shorter than this is a tight loop against the engine, not an experiment
        if (d.toMillis() < 100)
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--interval must be at least 100ms, got " + d.toMillis() + "ms");
        interval = d;
    }

    @Option(
            names = GlobalOptions.LIMIT,
            description =
                    "stop after this many ticks (with --interval; a tick that finds nothing counts); 0 = no limit",
            defaultValue = "0")
    void limit(int n) {
        if (n < 0)
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must not be negative, got " + n);
        limit = n;
    }

    @Option(names = GlobalOptions.DRY_RUN, description = "say what would be done, change nothing")
    boolean dryRun;

    @Option(
            names = GlobalOptions.LABEL,
            description = "only containers with this label (key=value; on CRI the pod's labels); repeatable")
    Map<String, String> labels;

    @Option(
            names = GlobalOptions.NAMESPACE,
            description = "CRI: only pods in this Kubernetes namespace; repeatable (kube-system only when named)")
    List<String> namespaces;

    @Option(
            names = GlobalOptions.RUNTIME,
            description = "docker, cri, containerd or podman (default: the first runtime socket found on this node)")
    String runtimeKind;

    @Option(
            names = GlobalOptions.RUNTIME_ENDPOINT,
            description = "the runtime's socket, unix:///path (e.g. unix:///run/containerd/containerd.sock)")
    String runtimeEndpoint;

    @Option(
            names = {GlobalOptions.CONTAINERD_ADDRESS, GlobalOptions.CONTAINERD_SOCKET},
            description = "--runtime containerd: its socket (default: /run/containerd/containerd.sock, else Docker's)")
    String containerdAddress;

    @Option(
            names = GlobalOptions.CONTAINERD_NAMESPACE,
            description = "--runtime containerd: the namespace of the containers (default: k8s.io; Docker's: moby, "
                    + "nerdctl's: default)")
    String containerdNamespace;

    @Option(
            names = {GlobalOptions.LOG_LEVEL, "-l"},
            description = "log level: debug, info (the default), warning, error (Pumba's fatal and panic: error); "
                    + "env LOG_LEVEL")
    void logLevel(String level) {
        if (LogWords.simpleLevel(level) == null)
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--log-level " + level + ": expected debug, info, warning, error, fatal or panic");
        logLevel = level;
    }

    String logLevel;

    @Option(
            names = {GlobalOptions.JSON, "-j"},
            description = "log one JSON object per line (time, level, logger, msg); env LOG_JSON=true")
    boolean json;

    @Option(
            names = GlobalOptions.SKIP_ERROR,
            description = "with --interval: a tick that fails is logged and the schedule goes on (else the run ends)")
    boolean skipError;

    @Option(
            names = GlobalOptions.PODMAN_SOCKET,
            description = "--runtime podman: its socket, unix:///path (Pumba's; as --runtime-endpoint)")
    String podmanSocket;

    Runtimes.Flags runtimeFlags() {
        if (podmanSocket == null)
            return new Runtimes.Flags(runtimeKind, runtimeEndpoint, containerdAddress, containerdNamespace);
        // Pumba's --podman-socket: Podman's endpoint (it implies --runtime podman; --runtime-endpoint, if given, wins)
        if (runtimeKind != null && !"podman".equals(runtimeKind))
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--podman-socket is for --runtime podman, not --runtime " + runtimeKind);
        String endpoint = runtimeEndpoint != null ? runtimeEndpoint : podmanSocket;
        return new Runtimes.Flags("podman", endpoint, containerdAddress, containerdNamespace);
    }

    /** The runtime the verbs act through, opened at the first use. */
    ContainerRuntime runtime() {
        return runner.runtime(runtimeFlags());
    }

    @Option(
            names = GlobalOptions.POD,
            description = "pod mode: shape our own network namespace (target: self) and signal processes in the "
                    + "shared PID namespace by command line; the default when no runtime socket is reachable")
    boolean pod;

    boolean podMode() {
        return pod || (!runtimeFlags().given() && !Runtimes.anyOnThisNode());
    }

    /** What the daemon verb starts; null where there is none (a parse of JMX {@code run()}'s words). */
    final DaemonStarter daemon;

    public SidecarCli(Runner runner) {
        this(runner, null);
    }

    SidecarCli(Runner runner, DaemonStarter daemon) {
        this.runner = runner;
        this.daemon = daemon;
    }

    /** A command line with every verb that reports errors in one line (no stack traces) and returns 1 for them. */
    public static CommandLine commandLine(Runner runner) {
        return commandLine(runner, null, VERBS.keySet());
    }

    /**
     * The command line for these words: only the verbs they name are modelled (picocli builds a verb's model by
     * reflection, and picocli's Java 5 classes cannot be archived by CDS: the nine verbs cost a start-up ~0.1 s).
     * The words are parsed once here; any that the reduced model refuses, or that name no verb (help, a typo), get
     * the full model, so every message and every help text is the one it always was.
     */
    public static CommandLine commandLine(Runner runner, String[] args) {
        return commandLine(runner, null, args);
    }

    /** As {@link #commandLine(Runner, String[])}, with what the daemon verb starts (the process's own command line). */
    public static CommandLine commandLine(Runner runner, DaemonStarter daemon, String[] args) {
        Set<String> named = new LinkedHashSet<>();
        for (String verb : VERBS.keySet()) if (Arrays.asList(args).contains(verb)) named.add(verb);
        if (named.isEmpty()) return commandLine(runner, daemon, VERBS.keySet());
        CommandLine reduced = commandLine(runner, daemon, named);
        try {
            reduced.parseArgs(args);
            return reduced;
        } catch (CommandLine.PicocliException refused) {
            return commandLine(runner, daemon, VERBS.keySet());
        }
    }

    private static CommandLine commandLine(Runner runner, DaemonStarter daemon, Set<String> verbs) {
        CommandLine cl = new CommandLine(new SidecarCli(runner, daemon));
        cl.getCommandSpec().usageMessage().description(description());
        for (String v : verbs) cl.addSubcommand(v, VERBS.get(v));
        pumbasHeadings(cl);
        CommandLine.IParameterExceptionHandler standard = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((refused, args) -> {
            String pumba = pumbasRefusal(refused);
            if (pumba != null) refused.getCommandLine().getErr().println(pumba);
            return standard.handleParseException(refused, args);
        });
        // "@file" stays a word: words arrive over JMX too, and must never make the daemon read a file
        cl.setExpandAtFiles(false);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /**
     * The plan of the verb these parsed words name, made before anything else runs (start-up recovery opens the
     * runtime and logs it): words the plan refuses (no duration, a bad value) are refused first, as Pumba's are.
     */
    public static void planFirst(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) leaf = leaf.subcommand();
        if (!(leaf.commandSpec().userObject() instanceof TargetedCommand verb)) return;
        try {
            verb.plan();
        } catch (RuntimeException refused) {
            throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), refused.getMessage(), refused);
        }
    }

    /** The help's section headings as Pumba's (urfave/cli) help writes them, which scripts look for. */
    private static void pumbasHeadings(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec u = cl.getCommandSpec().usageMessage();
        u.synopsisHeading("USAGE:%n  ");
        u.optionListHeading("%nOPTIONS:%n");
        u.commandListHeading("%nCOMMANDS:%n");
        for (CommandLine sub : cl.getSubcommands().values()) pumbasHeadings(sub);
    }

    /**
     * Pumba's words for an unknown flag (Go's flag package: {@code flag provided but not defined: -name}), printed
     * before picocli's own refusal; null for another refusal.
     */
    static String pumbasRefusal(CommandLine.ParameterException refused) {
        if (refused instanceof CommandLine.UnmatchedArgumentException u && u.isUnknownOption()) {
            for (String word : u.getUnmatched()) {
                if (!word.startsWith("-")) continue;
                String name = word.replaceFirst("^--?", "");
                int eq = name.indexOf('=');
                return "Incorrect Usage. flag provided but not defined: -" + (eq > 0 ? name.substring(0, eq) : name);
            }
        }
        return null;
    }

    /**
     * {@code help} as a command, as in Pumba: {@code help} is {@code --help}, {@code help netem delay} is
     * {@code netem delay --help}. Other words are left as they are.
     */
    public static String[] helpAsFlag(String[] args) {
        if (args.length == 0 || !args[0].equals("help")) return args;
        String[] out = Arrays.copyOf(Arrays.copyOfRange(args, 1, args.length), args.length);
        out[args.length - 1] = "--help";
        return out;
    }

    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SidecarCli.class.getPackage().getImplementationVersion();
            // Pumba's words ("pumba version v…"), which scripts match
            return new String[] {"faultline-sidecar version " + (v == null ? "dev" : v)};
        }
    }
}
