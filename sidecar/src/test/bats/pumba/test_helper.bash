#!/usr/bin/env bash
# Test helpers for Pumba bats integration tests

# Load bats-support and bats-assert libraries
load "${BATS_LIB_DIR:-/usr/lib/bats}/bats-support/load.bash"
load "${BATS_LIB_DIR:-/usr/lib/bats}/bats-assert/load.bash"

# Create a test container with the given name
create_test_container() {
	local name=$1
	local image=${2:-faultline/pumba-alpine:local}
	local command=${3:-"tail -f /dev/null"}
	echo "Creating test container: $name (using $image)"
	# shellcheck disable=SC2086
	docker run -d --name "$name" "$image" $command
	sleep 1 # Give container time to start
}

# Create containers with labels
create_labeled_containers() {
	local name_prefix=$1
	local label_key=$2
	local label_value=$3
	local count=${4:-2}

	for i in $(seq 1 "$count"); do
		echo "Creating labeled container: ${name_prefix}_${i} with ${label_key}=${label_value}"
		docker run -d --name "${name_prefix}_${i}" --label "${label_key}=${label_value}" faultline/pumba-alpine:local tail -f /dev/null
	done
	sleep 1 # Give containers time to start
}

# Remove test containers matching a pattern
cleanup_containers() {
	local pattern=$1
	echo "Cleaning up containers matching: $pattern"
	docker ps -a --filter "name=$pattern" -q | xargs -r docker rm -f || true
}

# Assert container state
assert_container_state() {
	local container=$1
	local expected_state=$2

	local actual_state
	if ! actual_state=$(docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null); then
		echo "Container '$container' does not exist"
		return 1
	fi

	if [[ "$expected_state" != "$actual_state" ]]; then
		echo "Expected container '$container' to be in state '$expected_state', but was '$actual_state'"
		return 1
	fi

	return 0
}

# Wait for a condition to be true
wait_for() {
	local timeout=${1:-10}
	local check_command=$2
	local description=${3:-"condition"}

	echo "Waiting up to ${timeout}s for ${description}..."

	# polled every 0.1 s (Pumba's: every 1 s, a second lost per wait that is not met at once); the same timeout.
	# PUMBA_BATS_WAIT_SCALE (the netem guest's software emulation: ENVIRONMENT.md) makes it that many times the timeout,
	# in seconds of the clock: there one poll takes seconds, so counting polls would wait far longer
	local counter=0 scale=${PUMBA_BATS_WAIT_SCALE:-} until_s
	until_s=$((SECONDS + timeout * ${scale:-1}))
	until eval "$check_command"; do
		counter=$((counter + 1))
		if [[ -z "$scale" && "$counter" -gt "$((timeout * 10))" ]] || [[ -n "$scale" && "$SECONDS" -ge "$until_s" ]]; then
			echo "Timed out waiting for ${description}"
			return 1
		fi
		sleep 0.1
	done

	return 0
}

# Poll a container's state via a runtime CLI until it matches the desired
# status (or timeout). Replaces unconditional `sleep N` after container
# create/stop commands — typical convergence time is sub-second on a warm
# daemon, so the `sleep 1` per-iteration granularity is good enough here.
#
# Usage:
#   wait_for_state <cli> <container> <status> [timeout=10]
#
#   wait_for_state docker foo running
#   wait_for_state podman pdm-netem-ctr running 5
#   wait_for_state podman pdm_victim exited
wait_for_state() {
	local cli=$1 container=$2 want=$3 timeout=${4:-10}
	wait_for "$timeout" \
		"$cli inspect -f '{{.State.Status}}' '$container' 2>/dev/null | grep -q '^${want}$'" \
		"$container state=$want"
}

# Wait until a container is running. Convenience wrapper around
# wait_for_state covering the >90% case ("I just ran the container, now I
# want to act on it").
wait_for_running() {
	local cli=$1 container=$2 timeout=${3:-10}
	wait_for_state "$cli" "$container" running "$timeout"
}

# Wait until a container has exited (e.g. after `kill`/`stop`).
wait_for_exited() {
	local cli=$1 container=$2 timeout=${3:-10}
	wait_for_state "$cli" "$container" exited "$timeout"
}

# Wait until a containerd-native task exists (for `ctr -n <ns> run -d ...`
# flows where the container isn't registered with the Docker daemon).
# Polls `ctr -n <ns> c info <name>` which returns non-zero until the task
# is committed. Replaces `sleep 1` after `ctr run -d` setup.
wait_for_ctr_running() {
	local ns=$1 container=$2 timeout=${3:-10}
	wait_for "$timeout" \
		"sudo ctr -n '$ns' c info '$container' >/dev/null 2>&1" \
		"ctr container $ns/$container present"
}

# ── Container state assertion wrappers ──────────────────────────────────────

assert_container_running() {
	local container=$1
	local actual
	actual=$(docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null) || {
		fail "Container '$container' does not exist"
	}
	if [[ "$actual" != "running" ]]; then
		fail "Expected container '$container' to be running, but was '$actual'"
	fi
}

assert_container_exited() {
	local container=$1
	local actual
	actual=$(docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null) || {
		fail "Container '$container' does not exist"
	}
	if [[ "$actual" != "exited" ]]; then
		fail "Expected container '$container' to be exited, but was '$actual'"
	fi
}

assert_container_paused() {
	local container=$1
	local actual
	actual=$(docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null) || {
		fail "Container '$container' does not exist"
	}
	if [[ "$actual" != "paused" ]]; then
		fail "Expected container '$container' to be paused, but was '$actual'"
	fi
}

assert_container_removed() {
	local container=$1
	if docker inspect "$container" &>/dev/null; then
		local actual
		actual=$(docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null)
		fail "Expected container '$container' to be removed, but it exists with status '$actual'"
	fi
}

# ── Network emulation (netem) assertion helpers ─────────────────────────────

# Get the PID of a Docker container for nsenter
_docker_container_pid() {
	docker inspect -f '{{.State.Pid}}' "$1"
}

# Assert netem rules are applied to a container's network interface
# Usage: assert_netem_applied <container> <expected_pattern> [interface]
assert_netem_applied() {
	local container=$1
	local expected_pattern=$2
	local interface=${3:-eth0}

	local pid
	pid=$(_docker_container_pid "$container") || {
		fail "Cannot get PID for container '$container'"
	}

	local tc_output
	tc_output=$(nsenter -t "$pid" -n tc qdisc show dev "$interface" 2>&1) || {
		fail "Failed to run tc qdisc show in container '$container' netns (pid=$pid, dev=$interface)"
	}

	if ! echo "$tc_output" | grep -qi "$expected_pattern"; then
		fail "Expected netem pattern '$expected_pattern' in tc output for '$container' ($interface), got:
$tc_output"
	fi
}

# Assert netem rules have been cleaned up from a container
# Usage: assert_netem_cleaned <container> [interface]
assert_netem_cleaned() {
	local container=$1
	local interface=${2:-eth0}

	local pid
	pid=$(_docker_container_pid "$container") || {
		fail "Cannot get PID for container '$container'"
	}

	local tc_output
	tc_output=$(nsenter -t "$pid" -n tc qdisc show dev "$interface" 2>&1) || true

	if echo "$tc_output" | grep -qi "netem"; then
		fail "Expected netem rules to be cleaned from '$container' ($interface), but found:
$tc_output"
	fi
}

# ── iptables assertion helpers ──────────────────────────────────────────────

# Assert iptables DROP rules are applied to a container
# Usage: assert_iptables_applied <container> <expected_pattern>
assert_iptables_applied() {
	local container=$1
	local expected_pattern=$2

	local pid
	pid=$(_docker_container_pid "$container") || {
		fail "Cannot get PID for container '$container'"
	}

	local ipt_output
	ipt_output=$(nsenter -t "$pid" -n iptables -L INPUT -n -v 2>&1) || {
		fail "Failed to run iptables in container '$container' netns (pid=$pid)"
	}
	# faultline: Debian 12's iptables 1.8.9 prints the prot column as a number under -n (6, not tcp); the name back,
	# as other iptables versions print it (ENVIRONMENT.md)
	ipt_output=$(printf '%s\n' "$ipt_output" | _ipt_protocol_names)

	if ! echo "$ipt_output" | grep -qi "$expected_pattern"; then
		fail "Expected iptables pattern '$expected_pattern' in container '$container', got:
$ipt_output"
	fi
}

_ipt_protocol_names() {
	sed -E 's/^( *[0-9]+[KMG]? +[0-9]+[KMG]? +[A-Za-z_-]+ +)6 /\1tcp /; s/^( *[0-9]+[KMG]? +[0-9]+[KMG]? +[A-Za-z_-]+ +)17 /\1udp /; s/^( *[0-9]+[KMG]? +[0-9]+[KMG]? +[A-Za-z_-]+ +)1 /\1icmp /'
}

# Assert iptables DROP rules have been cleaned from a container
# Usage: assert_iptables_cleaned <container>
assert_iptables_cleaned() {
	local container=$1

	local pid
	pid=$(_docker_container_pid "$container") || {
		fail "Cannot get PID for container '$container'"
	}

	local ipt_output
	ipt_output=$(nsenter -t "$pid" -n iptables -L INPUT -n -v 2>&1) || true

	if echo "$ipt_output" | grep -qi "DROP"; then
		fail "Expected iptables DROP rules to be cleaned from '$container', but found:
$ipt_output"
	fi
}

# ── Sidecar cleanup assertion ──────────────────────────────────────────────

# Assert no sidecar containers matching a pattern remain
# Usage: assert_sidecar_cleaned [pattern]
assert_sidecar_cleaned() {
	local pattern=${1:-"pumba-nettools"}

	local remaining
	remaining=$(docker ps -q --filter "ancestor=ghcr.io/alexei-led/$pattern" 2>/dev/null)

	if [[ -n "$remaining" ]]; then
		fail "Expected no sidecar containers matching '$pattern', but found:
$(docker ps --filter "ancestor=ghcr.io/alexei-led/$pattern" --format '{{.Names}}')"
	fi
}

# ── Docker-in-Docker detection ────────────────────────────────────────────

# Skip test if running inside Docker-in-Docker (sidecar container creation
# with --net=container:X fails in DinD due to PID namespace limitations)
skip_if_dind() {
	# faultline: the sidecar enters the target's network namespace with nsenter and starts no helper container, so
	# Docker-in-Docker's limit on --net=container:X does not apply (ENVIRONMENT.md)
	:
}

# ── Containerd helpers ────────────────────────────────────────────────────

# Check if containerd socket is available and skip test if not
require_containerd() {
	# faultline: the socket ctr uses (CONTAINERD_ADDRESS: Docker's own containerd here; ENVIRONMENT.md)
	if [ ! -S "${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}" ]; then
		skip "containerd socket not available"
	fi
}

# Pull an image into containerd with retry logic
# Usage: ctr_pull_image <namespace> <image>
ctr_pull_image() {
	local ns=$1
	local image=$2
	local retries=3
	local i

	# faultline: Pumba's own helper images (nettools, stress-ng) are for its helper containers; the sidecar starts none
	case "$image" in ghcr.io/alexei-led/*)
		echo "$image: Pumba's helper image, not needed by the sidecar"
		return 0 ;;
	esac
	for i in $(seq 1 "$retries"); do
		if sudo ctr -n "$ns" i ls -q | grep -q "^${image}$"; then
			echo "Image $image already present in $ns namespace"
			return 0
		fi
		# faultline: no registry; the image is imported from Docker's store, where .ci/pumba-bats.sh built it
		echo "Importing $image into $ns namespace from Docker (attempt $i/$retries)..."
		if docker save "${image#docker.io/}" | sudo ctr -n "$ns" i import - >/dev/null 2>&1; then
			return 0
		fi
		[ "$i" -lt "$retries" ] && sleep 2
	done

	echo "Failed to pull $image after $retries attempts"
	return 1
}

# ── Podman helpers ────────────────────────────────────────────────────────

# Skip the current test unless podman is installed and its socket is reachable.
# Uses `podman info` as a liveness probe (covers both CLI availability and
# socket/daemon reachability in a single call).
require_podman() {
	if ! command -v podman >/dev/null 2>&1; then
		skip "podman CLI not available on PATH"
	fi
	if ! podman info >/dev/null 2>&1; then
		skip "podman daemon/socket not reachable"
	fi
}

# Get the PID of a Podman container for nsenter.
_podman_container_pid() {
	podman inspect -f '{{.State.Pid}}' "$1"
}

# Remove a podman container by name/id, tolerating missing containers.
podman_rm_force() {
	local name
	for name in "$@"; do
		podman rm -f "$name" >/dev/null 2>&1 || true
	done
}

# ── Nettools image helper ──────────────────────────────────────────────────

ensure_nettools_image() {
	# faultline: no registry and no helper image needed; a local image with iproute2 and iptables stands in for
	# Pumba's nettools image wherever a test names it (ENVIRONMENT.md)
	NETTOOLS_IMAGE=faultline/jre-base:local
	export NETTOOLS_IMAGE
}

pumba_ensure_nettools_image() {
	echo "Ensuring nettools image is available..."

	NETTOOLS_IMAGE="ghcr.io/alexei-led/pumba-alpine-nettools:latest"

	if [ "${CI:-}" = "true" ]; then
		echo "CI environment detected, using pumba-alpine-nettools:local"
		if ! docker image inspect pumba-alpine-nettools:local &>/dev/null; then
			echo "Creating local nettools image for testing..."
			docker run --name temp-nettools-container faultline/pumba-alpine:local /bin/sh -c "apk add --no-cache iproute2 iptables && echo 'Nettools container ready'"
			docker commit temp-nettools-container pumba-alpine-nettools:local
			docker rm -f temp-nettools-container
		fi
		NETTOOLS_IMAGE="pumba-alpine-nettools:local"
	elif ! docker image inspect ${NETTOOLS_IMAGE} &>/dev/null; then
		echo "Pulling nettools image..."
		if ! docker pull ${NETTOOLS_IMAGE}; then
			echo "Failed to pull image, creating local nettools image for testing..."
			docker run --name temp-nettools-container faultline/pumba-alpine:local /bin/sh -c "apk add --no-cache iproute2 iptables && echo 'Nettools container ready'"
			docker commit temp-nettools-container pumba-alpine-nettools:local
			docker rm -f temp-nettools-container
			NETTOOLS_IMAGE="pumba-alpine-nettools:local"
		fi
	else
		echo "Nettools image already exists locally"
	fi

	export NETTOOLS_IMAGE
}

# ── faultline: the cases this machine cannot run (SKIPPED.tsv) ────────────

# Waits until the network namespace of process $1 (a target's PID) has a DROP rule in INPUT, at most
# PUMBA_BATS_START_WAIT seconds (Pumba's files: a fixed `sleep 2` after starting pumba in the background). Returns 0
# either way: the test's own assertions that follow decide.
wait_for_drop_rule() {
	wait_for "${PUMBA_BATS_START_WAIT:-2}" "nsenter -t '$1' -n iptables -S INPUT 2>/dev/null | grep -q -- '-j DROP'" \
		"a DROP rule in the target's INPUT chain" || true
}

# Waits until interface $2 in the network namespace of process $1 (a target's PID) has the qdisc a netem run adds
# (netem, or prio/tbf/htb under it), at most PUMBA_BATS_START_WAIT seconds (Pumba's files: a fixed `sleep 2` or `sleep 3`
# after starting pumba in the background). Returns 0 either way: the test's own assertions that follow decide.
wait_for_qdisc() {
	wait_for "${PUMBA_BATS_START_WAIT:-2}" "nsenter -t '$1' -n tc qdisc show dev '$2' 2>/dev/null | grep -qE 'netem|prio|tbf|htb'" \
		"a netem qdisc on the target's $2" || true
}

# Skips the current test when SKIPPED.tsv lists it (file, test name, condition, reason): condition `always`, or
# `no-netem` when this kernel has no sch_netem, `no-dummy` when it has no dummy network driver (the runner tries both
# and exports PUMBA_BATS_NO_NETEM=1, PUMBA_BATS_NO_DUMMY=1).
skip_listed() {
	local file reason
	file=$(basename "$BATS_TEST_FILENAME")
	reason=$(awk -F '\t' -v f="$file" -v t="$BATS_TEST_DESCRIPTION" -v nonetem="${PUMBA_BATS_NO_NETEM:-0}" -v nodummy="${PUMBA_BATS_NO_DUMMY:-0}" \
		'$1 == f && $2 == t && ($3 == "always" || ($3 == "no-netem" && nonetem == "1") || ($3 == "no-dummy" && nodummy == "1")) { print $4; exit }' \
		"$(dirname "$BATS_TEST_FILENAME")/SKIPPED.tsv")
	if [ -n "$reason" ]; then
		skip "$reason"
	fi
}
