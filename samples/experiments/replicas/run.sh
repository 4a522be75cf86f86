#!/usr/bin/env bash
# The classic experiment, one command: experiment.json here (the gateway's success rate checked every second while
# the sidecar crashes a random replica every 8 s, 4 times), run by the CLI's runner with 1 replica, then 5; prints
# the table of each journal. Needs a Docker engine, as root. Options go to the demo, e.g. --rate 50.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if [ ! -f samples/demo/target/faultline-demo.jar ] || [ ! -f sidecar/target/faultline-sidecar.jar ]; then
  mvn -B -q -DskipTests package
fi
exec java -jar samples/demo/target/faultline-demo.jar --only replicas "$@"
