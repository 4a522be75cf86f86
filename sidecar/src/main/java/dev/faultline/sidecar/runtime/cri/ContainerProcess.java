package dev.faultline.sidecar.runtime.cri;

/**
 * A running container's main process as the host sees it, from {@code ContainerStatus(verbose)}: its PID in the host
 * PID namespace (signal it, nsenter into it) and the cgroup path the runtime gave it ({@code cgroupsPath} of the OCI
 * spec: {@code /kubepods/...} with cgroupfs, {@code kubepods-…slice:cri-containerd:<id>} with systemd).
 */
public record ContainerProcess(String containerId, long pid, String cgroupsPath) {}
