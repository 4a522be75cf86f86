package dev.faultline.sidecar.runtime.cri;

/** What {@code Version} answers: e.g. containerd, 1.6.20~ds1, v1. */
public record CriVersion(String runtimeName, String runtimeVersion, String apiVersion) {
    @Override
    public String toString() {
        return runtimeName + " " + runtimeVersion + " (CRI " + apiVersion + ")";
    }
}
