#!/usr/bin/env bash
# Issue 4 benchmark: `up` twice on the simulated cluster (real Helm, fixture charts), 3 repetitions.
# Prints each repetition's first and second (unchanged) `up` times, the median ratio (must be < 0.2) and the peak
# heap used. The full Maven log is kept in obs-bootstrap-cli/target/up-twice.log.
# Usage: bench/up-twice.sh [extra maven args]   (offline: needs the Maven cache the build uses)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p obs-bootstrap-cli/target
log=obs-bootstrap-cli/target/up-twice.log
mvn -B -o verify -pl obs-bootstrap-cli -am \
    -Dgroups=benchmark -DexcludedGroups= -Dtest=UpBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@" > "$log" 2>&1
status=$?
grep -E '^(rep [0-9]|median )' "$log"
grep -E 'Tests run:.*UpBenchmark|BUILD (SUCCESS|FAILURE)' "$log"
[ "$status" -eq 0 ] || echo "benchmark failed (exit $status): see $log"
exit "$status"
