#!/usr/bin/env bash
# Issue 23's floor: in a JVM started with -javaagent, the time from the first add("error on=connect port=P") over
# JMX to the first connect the target itself sees fail (the first add() installs the network hooks), and of a second
# add() after remove(); ROUNDS fresh JVMs, one after another. Run from the repo root after
#   mvn -B -q -pl agent -am -DskipTests package
# TARGET_OPTS= more options for the target JVMs. JAVA= the target's java (default: java on PATH; the driver runs on it too), ROUNDS= (default 10). Prints markdown rows.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
ROUNDS=${ROUNDS:-10}
read -r -a AGENTS <<< "${AGENTS:-$PWD/agent/target/faultline-agent.jar}"
for a in "${AGENTS[@]}"; do [[ -e $a ]] || { echo "missing $a: mvn -B -q -pl agent -am -DskipTests package" >&2; exit 1; }; done
classes=$(mktemp -d /tmp/faultline-firstadd.XXXXXX)
trap 'rm -rf "$classes"' EXIT
"$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac" -d "$classes" benchmarks/FirstAddBench.java
"$JAVA" -cp "$classes" FirstAddBench driver "$JAVA" "$classes" "$ROUNDS" "${AGENTS[@]}"
