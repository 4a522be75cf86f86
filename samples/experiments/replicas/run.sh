#!/usr/bin/env bash
# The classic experiment, one command: steady state (>= 99% success through the gateway), then the sidecar
# crashes a random replica every 4 s for 30 s; 1 replica, then 5; prints the table.
# Needs a Docker engine. Options go to the demo, e.g. --chaos-seconds 60 --kill-interval-seconds 3 --rate 50.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if [ ! -f samples/demo/target/faultline-demo.jar ] || [ ! -f sidecar/target/faultline-sidecar.jar ]; then
  mvn -B -q -DskipTests package
fi
exec java -jar samples/demo/target/faultline-demo.jar --only replicas "$@"
