package dev.faultline.common.sidecar;

/**
 * What a sidecar verb acts through: a Docker engine, a CRI runtime, or pod mode (no runtime: processes, our own
 * network namespace).
 */
public enum Backend {
    DOCKER,
    CRI,
    POD
}
