#!/usr/bin/env bash
# In-process faults through JMX on the replicas' calls to their downstream (latency on=connect, error on=read,
# connect errors with a probability, then clear()), behind a gateway with a timeout and one retry.
# Runs the replicas as local JVMs with the agent attached; add --containers to run them as containers.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if [ ! -f samples/demo/target/faultline-demo.jar ] || [ ! -f agent/target/faultline-agent.jar ]; then
  mvn -B -q -DskipTests package
fi
exec java -jar samples/demo/target/faultline-demo.jar --only slow-downstream "$@"
