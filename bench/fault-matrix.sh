#!/usr/bin/env bash
# Issue 7: the fault matrix of reference/reviews/fault-matrix.md, replayed against the simulated cluster with real
# signals, kills, an API server cut off by a TCP proxy and racing processes (each run a child JVM), followed by the
# plain `up` that has to converge. Prints one row per case (exit code, wall time, what the user saw, the next up);
# the table is kept in obs-bootstrap-cli/target/fault-matrix.md and the Maven log in obs-bootstrap-cli/target/fault-matrix.log.
# Usage: bench/fault-matrix.sh [extra maven args]   (takes a few minutes; offline: needs the Maven cache the build uses)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p obs-bootstrap-cli/target
log=obs-bootstrap-cli/target/fault-matrix.log
mvn -B -o verify -pl obs-bootstrap-cli -am \
    -Dgroups=benchmark -DexcludedGroups= -Dtest=FaultMatrixBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.rerunFailingTestsCount=0 "$@" > "$log" 2>&1
status=$?
cat obs-bootstrap-cli/target/fault-matrix.md 2>/dev/null
grep -E 'Tests run:.*FaultMatrixBench|BUILD (SUCCESS|FAILURE)|unexpected exit code' "$log"
[ "$status" -eq 0 ] || echo "fault matrix failed (exit $status): see $log"
exit "$status"
