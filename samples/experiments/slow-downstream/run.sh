#!/usr/bin/env bash
# In-process faults through JMX on the replicas' calls to their downstream (latency on=connect, then connect errors
# with a probability), behind a gateway with a timeout and one retry: experiment.json here, run by the CLI's runner
# against two local JVMs with the agent attached; prints the table of its journal. Options go to the demo (--rate N).
set -euo pipefail
cd "$(dirname "$0")/../../.."
if [ ! -f samples/demo/target/faultline-demo.jar ] || [ ! -f agent/target/faultline-agent.jar ]; then
  mvn -B -q -DskipTests package
fi
exec java -jar samples/demo/target/faultline-demo.jar --only slow-downstream "$@"
