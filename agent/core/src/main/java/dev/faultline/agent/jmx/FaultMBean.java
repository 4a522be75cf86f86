package dev.faultline.agent.jmx;

/** {@code dev.faultline:type=Fault,id=…,action=…,on=…}: one per armed fault, for per-fault metrics. */
public interface FaultMBean {
    String getId();

    String getSpec();

    long getInjected();

    long getMatched();
}
