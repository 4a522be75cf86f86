package dev.faultline.agent.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * {@code java -jar faultline-agent.jar list | attach <pid|name> [options]}: loads this jar into a running JVM,
 * as {@code -javaagent} would have at start. Attaching again hands the options to the loaded agent, which carries
 * out {@code cmd=clear} or {@code jmx.unix=…} and refuses anything else, saying why (this command prints it).
 */
public final class AttachCli {
    /** Set by the agent in the JVM it runs in (FaultlineAgent.STARTED_PROPERTY), to its version. */
    static final String STARTED_PROPERTY = "dev.faultline.agent.started";
    /** How the agent ended the last attach: {@code ok} or {@code refused: <why>} (FaultlineAgent.ATTACH_PROPERTY). */
    static final String ATTACH_PROPERTY = "dev.faultline.agent.attach";

    static final String USAGE = """
            usage: java -jar faultline-agent.jar list
                   java -jar faultline-agent.jar attach <pid|name> [key=value,...]
              list     the JVMs on this host this user can attach to: pid and main class or jar
              attach   load the agent into a running JVM, chosen by pid or by a unique part of its name;
                       options are the -javaagent ones, e.g. jmx.port=9010,metrics.port=9404;
                       once it is loaded: cmd=clear disarms every fault, cmd=close stops jmx.unix
              (a JDK 21+ target warns about dynamically loaded agents unless started with -XX:+EnableDynamicAgentLoading)""";

    private AttachCli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            switch (args[0]) {
                case "list":
                    if (args.length > 1) return usage(err, "list takes no arguments");
                    return list(out);
                case "attach":
                    if (args.length < 2) return usage(err, "attach needs a pid or a name");
                    return attach(args[1], String.join(",", Arrays.asList(args).subList(2, args.length)), out, err);
                default:
                    return usage(err, "unknown command '" + args[0] + "'");
            }
        } catch (NoClassDefFoundError e) {
            err.println(
                    "faultline: this Java runtime has no attach API (module jdk.attach); run the command with a JDK's java");
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("faultline: " + problem);
        err.println(USAGE);
        return 2;
    }

    private static int list(PrintStream out) {
        String self = String.valueOf(ProcessHandle.current().pid());
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (d.id().equals(self)) continue;
            out.println(d.id() + "\t" + (d.displayName().isEmpty() ? "(no name)" : d.displayName()));
        }
        return 0;
    }

    private static int attach(String target, String options, PrintStream out, PrintStream err) {
        String self = String.valueOf(ProcessHandle.current().pid());
        String pid;
        if (target.chars().allMatch(Character::isDigit)) {
            pid = target;
            if (pid.equals(self)) {
                err.println("faultline: " + pid + " is this command itself");
                return 1;
            }
            if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                err.println("faultline: no process with pid " + pid);
                return 1;
            }
        } else {
            String needle = target.toLowerCase(Locale.ROOT);
            List<VirtualMachineDescriptor> hits = VirtualMachine.list().stream()
                    .filter(d -> !d.id().equals(self)
                            && d.displayName().toLowerCase(Locale.ROOT).contains(needle))
                    .collect(Collectors.toList());
            if (hits.isEmpty()) {
                err.println("faultline: no JVM whose name contains '" + target
                        + "' (see: java -jar faultline-agent.jar list)");
                return 1;
            }
            if (hits.size() > 1) {
                err.println("faultline: '" + target + "' is ambiguous, it matches " + hits.size()
                        + " JVMs; give a pid or a longer name:");
                hits.forEach(d -> err.println("  " + d.id() + "\t" + d.displayName()));
                return 1;
            }
            pid = hits.get(0).id();
        }
        File jar;
        try {
            jar = new File(AttachCli.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            err.println("faultline: cannot tell where the agent jar is: " + e);
            return 1;
        }
        if (!jar.isFile()) {
            err.println("faultline: run attach from the agent jar (java -jar faultline-agent.jar …), not from " + jar);
            return 1;
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException e) {
            err.println("faultline: cannot attach to " + pid
                    + " (not a JVM, another user's, or started with -XX:+DisableAttachMechanism): " + e.getMessage());
            return 1;
        }
        try {
            String already = startedVersion(vm);
            try {
                // loaded already: the agent itself carries out a command (cmd=clear, jmx.unix) or refuses, saying why
                vm.loadAgent(jar.getAbsolutePath(), options.isEmpty() ? null : options);
            } catch (AgentInitializationException e) {
                String why = vm.getSystemProperties().getProperty(ATTACH_PROPERTY, "");
                err.println("faultline: " + pid
                        + (why.startsWith("refused: ")
                                ? " refused the attach: " + why.substring("refused: ".length())
                                : ": the agent failed to start (code " + e.returnValue() + "); see that JVM's stderr"));
                return 1;
            } catch (AgentLoadException e) {
                err.println("faultline: " + pid + " could not load the agent: " + e.getMessage());
                return 1;
            }
            if (already != null) {
                out.println("faultline agent " + already + " in " + pid + " did: " + redacted(options));
                return 0;
            }
            String started = startedVersion(vm);
            if (started == null) {
                err.println("faultline: the agent was loaded into " + pid
                        + " but did not start; see that JVM's stderr (bad option?)");
                return 1;
            }
            out.println("faultline agent " + started + " loaded into " + pid
                    + (options.isEmpty() ? "" : " with " + redacted(options)));
            return 0;
        } catch (IOException e) {
            err.println("faultline: attach to " + pid + " failed: " + e.getMessage());
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the target may have ended
            }
        }
    }

    /** Options as they may be printed: never the secret. */
    static String redacted(String options) {
        return options.replaceAll("(?i)(jmx\\.unix\\.secret=)[^,]*", "$1***");
    }

    private static String startedVersion(VirtualMachine vm) throws IOException {
        Properties p = vm.getSystemProperties();
        return p.getProperty(STARTED_PROPERTY);
    }
}
