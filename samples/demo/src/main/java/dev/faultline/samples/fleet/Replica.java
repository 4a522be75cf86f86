package dev.faultline.samples.fleet;

import java.net.URI;

/** One running hello-service as the gateway and an operator see it: its HTTP base URI and its agent's JMX port. */
public record Replica(String name, URI http, int jmxPort) {}
