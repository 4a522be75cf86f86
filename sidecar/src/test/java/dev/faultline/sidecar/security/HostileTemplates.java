package dev.faultline.sidecar.security;

import java.util.List;

/** Valid sidecar commands that {@link dev.faultline.common.probe.HostileStrings} mutates: shared by the daemon's and the parsers' tests. */
public final class HostileTemplates {
    private HostileTemplates() {}

    public static final List<String> TEMPLATES = List.of(
            "--dry-run kill --signal SIGTERM hello",
            "--dry-run --random --interval 1s --limit 1 crash --signal SIGKILL re2:^hello",
            "--dry-run --label app=hello stop --time 5",
            "--dry-run netem --duration 1s --interface eth0 --target 10.0.0.0/8 delay --time 100 --jitter 10 --distribution normal",
            "--dry-run netem --duration 1s --interface eth0 --ingress rate --rate 1mbit",
            "--dry-run netem --duration 1s loss --percent 30 --correlation 25",
            "--dry-run iptables --duration 1s loss --probability 0.5 --protocol tcp --dst-port 80 --source 10.1.0.0/16",
            "--dry-run pause --duration 1s re2:hello");
}
