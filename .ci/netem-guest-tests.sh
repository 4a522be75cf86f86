#!/usr/bin/env bash
# The netem guest suite: every netem fault measured on a real kernel. Boots .ci/netem-vm.sh (User-mode Linux 6.1, or
# QEMU with Debian's stock 6.1 kernel: both have sch_netem) and runs the dev.faultline.sidecar.guest tests there with
# plain java and the JUnit console launcher: Maven itself would take ~90 s just to start under emulation. Needs the built jar and test
# classes (after `mvn -B verify`, or `mvn -B -pl common,sidecar -am package -DskipTests` then `... test-compile`).
# No docker. Reports: sidecar/target/netem-guest-reports (JUnit XML, the console log, figures.md).
#
#   .ci/netem-guest-tests.sh                      the whole suite
#   .ci/netem-guest-tests.sh NetemDelayGuestIT    one class (the launcher's --select-class)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
t=sidecar/target
[ -s $t/faultline-sidecar.jar ] && [ -d $t/test-classes/dev/faultline/sidecar/guest ] && [ -s $t/guest.classpath ] || {
  echo "netem-guest-tests: build first: mvn -B -pl common,sidecar -am package -DskipTests && mvn -B -pl common,sidecar -am test-compile" >&2; exit 2; }
reports=$root/$t/netem-guest-reports
rm -rf "$reports"; mkdir -p "$reports"
select=(--select-package dev.faultline.sidecar.guest)
[ $# -eq 0 ] || { select=(); for c in "$@"; do select+=(--select-class "dev.faultline.sidecar.guest.$c"); done; }
start=$(date +%s)
run_suite() {
  # the guest only writes into $reports; every namespace, qdisc and process of the tests dies with it
  .ci/netem-vm.sh --rw "$reports" -- java -cp "$root/$t/test-classes:$root/$t/classes:$(cat $t/guest.classpath)" \
      -Dfaultline.sidecar.jar="$root/$t/faultline-sidecar.jar" \
      org.junit.platform.console.ConsoleLauncher execute "${select[@]}" --include-classname '.*GuestIT$' --fail-if-no-tests \
      --reports-dir "$reports" --disable-banner --details=tree 2>&1 | tee "$reports/guest.log"
}
rc=0
run_suite || rc=$?
# QEMU only (UML runs guest code natively): the JVM under multi-threaded software emulation crashes now and then in its JIT-compiled code (SIGSEGV or SIGILL
# in C1 code, exit 134, about one boot in four): an emulator fault, not a test result. Such a crash, and only it,
# gets up to two more boots, with all vcpus on one host thread (netem-vm.sh's FAULTLINE_VM_TCG_THREAD=single, slower
# but not subject to it: NetemRevertGuestIT took 199 s so against ~70 s multi-threaded); a failed test never does.
for retry in 1 2; do
  [ "$rc" -eq 134 ] && grep -q "A fatal error has been detected by the Java Runtime Environment" "$reports/guest.log" || break
  echo "netem-guest-tests: the guest's JVM crashed (exit 134, hs_err above); booting the guest again with single-threaded emulation ($retry of 2)" >&2
  mv "$reports/guest.log" "$reports/guest-jvm-crash-$retry.log"
  rc=0
  FAULTLINE_VM_TCG_THREAD=single run_suite || rc=$?
done
{
  echo "| fault | asked | measured in the guest | command |"
  echo "|---|---|---|---|"
  sed -n 's/^FIGURE | \(.*\)$/| \1 |/p' "$reports/guest.log"
} > "$reports/figures.md"
echo "netem-guest-tests: exit $rc after $(( $(date +%s) - start )) s; figures in $reports/figures.md" >&2
exit $rc
