package dev.faultline.sidecar.command;

import dev.faultline.sidecar.jmx.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code daemon --jmx-port 9011 …}: the MBean {@code dev.faultline:type=Sidecar} on a remote JMX connector. */
@Command(name = "daemon", description = "Run the dev.faultline:type=Sidecar MBean on a remote JMX port until stopped.", mixinStandardHelpOptions = true)
final class DaemonCommand implements Callable<Integer> {
    @ParentCommand SidecarCli cli;

    @Option(names = "--jmx-port", required = true, description = "remote JMX port (RMI registry and connector on this one port)")
    int jmxPort;

    @Option(names = "--jmx-host", description = "bind address (default 127.0.0.1; 0.0.0.0 inside a container, where only the published port reaches it)")
    String jmxHost;

    @Option(names = "--jmx-advertise", description = "host name clients use to reach the connector (default: the bind address, or 127.0.0.1 for 0.0.0.0)")
    String advertise;

    @Option(names = "--jmx-password-file", description = "JMX password file (required when bound beyond loopback outside a container)")
    String passwordFile;

    @Option(names = "--jmx-access-file", description = "JMX access file")
    String accessFile;

    @Option(names = "--jmx-ssl", description = "TLS for the connector (the JVM's javax.net.ssl key store)")
    boolean ssl;

    @Option(names = "--metrics-port", defaultValue = "0", description = "Prometheus endpoint port (0 = off)")
    int metricsPort;

    @Option(names = "--metrics-host", description = "Prometheus endpoint bind address (default as --jmx-host)")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        boolean inContainer = dev.faultline.sidecar.target.TargetSelector.ownContainerIdOrNull() != null;
        String host = jmxHost != null ? jmxHost : (inContainer ? "0.0.0.0" : "127.0.0.1");
        boolean loopback = host.startsWith("127.") || host.equals("localhost") || host.equals("::1");
        if (!loopback && !inContainer && passwordFile == null) {
            throw new IllegalArgumentException("--jmx-host " + host + " is not loopback: give --jmx-password-file (and preferably --jmx-ssl)");
        }
        String adv = advertise != null ? advertise : (host.equals("0.0.0.0") ? "127.0.0.1" : host);
        return Daemon.run(new Daemon.Options(jmxPort, host, adv, passwordFile, accessFile, ssl, metricsPort,
                metricsHost != null ? metricsHost : host), cli.context.journal());
    }
}
