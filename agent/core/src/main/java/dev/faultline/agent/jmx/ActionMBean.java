package dev.faultline.agent.jmx;

/** {@code dev.faultline:type=Action,name=latency|error|…}: injections per action since start. */
public interface ActionMBean {
    long getInjected();
}
