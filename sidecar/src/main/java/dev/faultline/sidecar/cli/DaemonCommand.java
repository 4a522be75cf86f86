package dev.faultline.sidecar.cli;

import dev.faultline.common.jmx.JmxOptions;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.runtime.detect.Runtimes;
import dev.faultline.sidecar.targets.TargetSelector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code daemon --jmx-port 9011 …}: the MBean {@code dev.faultline:type=Sidecar} on a remote JMX connector. */
@Command(
        name = Verb.DAEMON_WORD,
        description = "Run the dev.faultline:type=Sidecar MBean on a remote JMX port until stopped.",
        mixinStandardHelpOptions = true)
final class DaemonCommand implements Callable<Integer> {
    @ParentCommand
    SidecarCli cli;

    @Option(
            names = "--jmx-port",
            required = true,
            description = "remote JMX port (RMI registry and connector on this one port)")
    int jmxPort;

    @Option(
            names = "--jmx-host",
            description =
                    "bind address (default 127.0.0.1; 0.0.0.0 inside a container, which then needs --jmx-password-file)")
    String jmxHost;

    @Option(
            names = "--jmx-advertise",
            description =
                    "host name clients use to reach the connector (default: the bind address, or 127.0.0.1 for 0.0.0.0)")
    String advertise;

    @Option(
            names = "--jmx-password-file",
            description = "JMX password file (the JDK's format); without it, on loopback only, a password is generated "
                    + "into jmx-<port>.password beside the journal (mode 0600); required beyond loopback")
    String passwordFile;

    @Option(
            names = "--jmx-access-file",
            description = "JMX access file: <user> readonly|readwrite (readonly may list() and read attributes)")
    String accessFile;

    @Option(
            names = "--jmx-auth",
            description = "'none' turns authentication off: loopback only, warned about at every start")
    String auth;

    @Option(names = "--jmx-ssl", description = "TLS for the connector (the JVM's javax.net.ssl key store)")
    boolean ssl;

    @Option(names = "--metrics-port", defaultValue = "0", description = "Prometheus endpoint port (0 = off)")
    int metricsPort;

    @Option(names = "--metrics-host", description = "Prometheus endpoint bind address (default as --jmx-host)")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        if (auth != null && !auth.equals("none"))
            throw new IllegalArgumentException("--jmx-auth " + auth + ": the only value is none");
        boolean inContainer = TargetSelector.ownContainerIdOrNull() != null;
        // in a container only the published port reaches us, so bind every interface there, and require a password for
        // it
        String host = jmxHost != null ? jmxHost : (inContainer ? "0.0.0.0" : "127.0.0.1");
        String adv = advertise != null ? advertise : (host.equals("0.0.0.0") ? "127.0.0.1" : host);
        JmxOptions jmx = new JmxOptions(
                        host,
                        jmxPort,
                        adv,
                        passwordFile,
                        accessFile,
                        auth != null,
                        ssl,
                        cli.runner.journal().file().toAbsolutePath().getParent())
                .check(JmxOptions.Words.SIDECAR)
                .requireFiles(JmxOptions.Words.SIDECAR);
        boolean pod = cli.podMode();
        Runtimes.Flags flags = cli.runtimeFlags();
        if (cli.daemon == null) throw new IllegalArgumentException("the daemon verb is for the command line");
        return cli.daemon.run(jmx, metricsPort, metricsHost != null ? metricsHost : host, cli.runner.journal(), () -> {
            if (pod) throw new IllegalStateException("no container runtime (pod mode)");
            return Runtimes.open(flags);
        });
    }
}
