#!/usr/bin/env bash
# Issue 13: where users wait, each figure beside its own baseline measured in the same run, interleaved
# (baseline, candidate, baseline, candidate, ...), whole processes, medians of RUNS runs, and the ratio:
#   start-up   bin/obs-bootstrap --help / --version       vs  a hello-world JVM (bench/java/HelloWorld.java)
#   plan       plan --profile ci (wall, CPU, peak RSS)     vs  helm-java template of the same charts and values in one
#                                                              JVM (bench/java/HelmTemplateBaseline.java)
#   up         a first up --skip-verify on the simulated   vs  helm upgrade --install --wait of the same releases, same
#              cluster; an unchanged second up             Helm, same simulated cluster (bench/java/HelmInstallChain.java)
#   readiness  how soon up's Waiter notices the last workload turned ready (bench/java/ReadinessLatency.java: one JVM,
#              one clock, the production client against the simulated cluster; goal 200 ms)
# Wall time from date(1), CPU (user+sys) and peak RSS from /usr/bin/time. The machine may be shared: read the ratios,
# they are measured side by side; absolute numbers move with the load (printed at the start and the end).
# Usage: bench/perf.sh [startup] [plan] [up] [readiness]        (default: all four)
# Env: RUNS (default 5), CHARTS (plan's charts; default /work/charts when present, else the fixture charts),
#      UP_CHARTS (up's charts; default the fixture charts), API_LATENCY_MS (the simulated cluster answers every
#      request but a watch that much later, as an API server a network away does; default 0),
#      JAVA_OPTS_BENCH (extra options for every JVM),
#      BEFORE_JAR (a jar built from an earlier commit: its figures are measured in the same run, started the way the
#      earlier bin/obs-bootstrap started it, `java -jar`, and printed as "before" rows), BEFORE_LAUNCHER=bin (plan
#      only: start the BEFORE_JAR through a bin/obs-bootstrap instead, for a commit that already had it: BEFORE_BIN,
#      that commit's script, by default today's; with a cache of its own, as an older script deletes the archives of
#      other jars).
# Needs the built jar (mvn -B -o -T1 -pl obs-bootstrap-cli -am install -DskipTests) and the Maven cache (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${RUNS:-5}
jar=$root/obs-bootstrap-cli/target/obs-bootstrap.jar
work=$root/obs-bootstrap-cli/target/perf
fixtures=$root/obs-bootstrap-cli/src/test/resources/fixtures/stack-charts
charts=${CHARTS:-/work/charts}
[[ -d "$charts" ]] || charts=$fixtures
up_charts=${UP_CHARTS:-$fixtures}
sections=("$@")
[[ ${#sections[@]} -gt 0 ]] || sections=(startup plan up readiness)
java=${JAVA:-java}
jopts=${JAVA_OPTS_BENCH:-}

if [[ ! -f "$jar" ]]; then
  echo "error: $jar not found; build it: mvn -B -o -T1 -pl obs-bootstrap-cli -am install -DskipTests" >&2
  exit 2
fi
rm -rf "$work"
mkdir -p "$work/classes"
if [[ ! -f "$work/../perf-test.classpath" || "$root/obs-bootstrap-cli/pom.xml" -nt "$work/../perf-test.classpath" ]]; then
  mvn -B -o -q dependency:build-classpath -pl obs-bootstrap-cli -Dmdep.includeScope=test \
      -Dmdep.outputFile="$work/../perf-test.classpath" >/dev/null 2>&1
fi
testcp=$(cat "$work/../perf-test.classpath")
javac -d "$work/classes" -cp "$jar:$testcp" bench/java/*.java

# sample LABEL CMD...: runs CMD once, appends "wall_ms cpu_ms rss_kb" to $work/LABEL.tsv
sample() {
  local label=$1
  shift
  local t0 t1 u s m
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%U %S %M' -o "$work/time.out" "$@" >"$work/$label.out" 2>"$work/$label.err"; then
    echo "error: $label failed ($*); see $work/$label.err" >&2
    tail -5 "$work/$label.err" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  read -r u s m < <(tail -1 "$work/time.out")
  echo "$(((t1 - t0) / 1000000)) $(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}') $m" >>"$work/$label.tsv"
}
# med LABEL COLUMN: the median of a column (1 wall ms, 2 cpu ms, 3 rss KB)
med() { awk -v c="$2" '{print $c}' "$work/$1.tsv" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
# row FIGURE CANDIDATE BASELINE COLUMN GOAL: one line of the table
# The goal is judged on the ratio of the medians; "pairs" is the median of each run's own ratio (candidate over the
# baseline run just before it), which a machine whose speed drifts during the bench moves less.
row() {
  local c b p unit scale
  c=$(med "$2" "$4")
  b=$(med "$3" "$4")
  p=$(paste -d' ' "$work/$2.tsv" "$work/$3.tsv" | awk -v k="$4" '$(k + 3) > 0 {print $k / $(k + 3)}' | sort -g \
    | awk '{a[NR]=$1} END{print (NR ? a[int((NR+1)/2)] : 0)}')
  case $4 in 1) unit=ms scale=1 ;; 2) unit="ms cpu" scale=1 ;; 3) unit=MB scale=1024 ;; esac
  awk -v f="$1" -v c="$c" -v b="$b" -v p="$p" -v u="$unit" -v s="$scale" -v g="$5" -v bl="$3" 'BEGIN{
    r = c / b; met = (g == "-") ? "" : (r <= g ? "met" : "NOT met");
    printf "%-34s %8.0f %-6s vs %-22s %8.0f %-6s  ratio %5.2fx (pairs %5.2fx)  goal %-5s %s\n", f, c/s, u, bl, b/s, u, r, p, (g == "-" ? "-" : "<=" g), met }'
}
kc=$work/kubeconfig.yaml
# start_cluster / stop_cluster: the tests' simulated cluster in a process of its own, writing $kc
start_cluster() {
  local ready
  coproc cluster { exec "$java" -cp "$work/classes:$testcp" SimulatedCluster "$kc" "${API_LATENCY_MS:-0}" 2>>"$work/cluster.err"; }
  read -r ready <&"${cluster[0]}" || true
  [[ $ready == ready ]] || { echo "error: the simulated cluster did not start; see $work/cluster.err" >&2; exit 1; }
}
stop_cluster() {
  local pid=$cluster_PID
  local fd=${cluster[1]}
  exec {fd}>&-
  wait "$pid" || true
}
# bin/obs-bootstrap is still making an archive: a class list recorded or being dumped, a temporary archive, or an
# earlier script's pending dynamic archive
cds_busy() { compgen -G "$1/*.classlist" >/dev/null || compgen -G "$1/*.tmp" >/dev/null || compgen -G "$1/*.pending" >/dev/null; }
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"; }

before=${BEFORE_JAR:-}
echo "bench/perf.sh: $runs runs each, interleaved; $(load); $(date -u +%FT%TZ)"
echo "obs-bootstrap: $("$root/bin/obs-bootstrap" --version 2>/dev/null | head -1); java: $("$java" -version 2>&1 | head -1)"

for section in "${sections[@]}"; do
  case $section in
  startup)
    # a lone --help or --version runs from the launcher jar without an AppCDS archive (bin/obs-bootstrap)
    for ((i = 1; i <= runs; i++)); do
      sample hello "$java" $jopts -cp "$work/classes" HelloWorld
      sample help "$root/bin/obs-bootstrap" --help
      sample version "$root/bin/obs-bootstrap" --version
      [[ -z $before ]] || sample help-before "$java" -jar "$before" --help
    done
    [[ -z $before ]] || row "--help BEFORE (wall)" help-before hello 1 -
    [[ -z $before ]] || row "--help BEFORE (CPU)" help-before hello 2 -
    row "--help (wall)" help hello 1 2
    row "--version (wall)" version hello 1 2
    row "--help (CPU)" help hello 2 -
    row "--help (peak RSS)" help hello 3 -
    ;;
  plan)
    # one reference bundle gives the baseline its inputs (the releases and their values as rendered; the charts come
    # from the same $charts plan reads)
    "$root/bin/obs-bootstrap" plan --profile ci --charts-dir "$charts" --out "$work/plan-ref" >/dev/null 2>"$work/plan-ref.err"
    # BEFORE_LAUNCHER=bin: the before jar started through today's bin/obs-bootstrap (its JVM options and AppCDS), for a
    # jar of a commit that already had this launcher; otherwise `java -jar`, as the earliest launcher did
    before_plan=("$java" -jar "$before")
    if [[ -n $before && ${BEFORE_LAUNCHER:-} == bin ]]; then
      before_plan=(env OBS_BOOTSTRAP_JAR="$before" OBS_BOOTSTRAP_CACHE="$work/before-cache"
        "${BEFORE_BIN:-$root/bin/obs-bootstrap}")
      "${before_plan[@]}" plan --profile ci --charts-dir "$charts" --out "$work/planb-ref" >/dev/null 2>&1 || true
    fi
    # the first plan records its class list and the next start dumps the AppCDS archive from it in the background
    # (bin/obs-bootstrap), as any user's second plan would find it; the offline archive is made in the background:
    # measure once both are (a .pending is an earlier bin/obs-bootstrap's, for BEFORE_BIN)
    cds_dir=${OBS_BOOTSTRAP_CACHE:-$HOME/.cache/obs-bootstrap}/cds
    "$root/bin/obs-bootstrap" --version >/dev/null
    [[ -z $before || ${BEFORE_LAUNCHER:-} != bin ]] || "${before_plan[@]}" --version >/dev/null
    for ((w = 0; w < 120; w++)); do
      compgen -G "$cds_dir/obs-bootstrap-*.plan.jsa" >/dev/null && ! cds_busy "$cds_dir" \
        && ! pgrep -f -- '-XX:ArchiveClassesAtExit=|-Xshare:dump' >/dev/null && break
      sleep 0.5
    done
    for ((i = 1; i <= runs; i++)); do
      sample template "$java" $jopts -cp "$work/classes:$jar" HelmTemplateBaseline "$work/plan-ref" "$charts" "$work/template-$i"
      sample plan "$root/bin/obs-bootstrap" plan --profile ci --charts-dir "$charts" --out "$work/plan-$i"
      [[ -z $before ]] || sample plan-before "${before_plan[@]}" plan --profile ci --charts-dir "$charts" --out "$work/planb-$i"
      rm -rf "$work/template-$i" "$work/plan-$i" "$work/planb-$i"
    done
    echo "plan --profile ci, charts from $charts"
    row "plan (wall)" plan template 1 1.3
    row "plan (CPU)" plan template 2 -
    row "plan (peak RSS)" plan template 3 1.5
    if [[ -n $before ]]; then
      row "plan BEFORE (wall)" plan-before template 1 -
      row "plan BEFORE (CPU)" plan-before template 2 -
      row "plan BEFORE (peak RSS)" plan-before template 3 -
    fi
    ;;
  up)
    "$root/bin/obs-bootstrap" plan --profile ci --charts-dir "$up_charts" --out "$work/up-ref" >/dev/null 2>"$work/up-ref.err"
    # bin/obs-bootstrap's first up records its class list and the next start dumps the AppCDS archive from it in the
    # background: do that first, as any user's second run would find it
    cds_dir=${OBS_BOOTSTRAP_CACHE:-$HOME/.cache/obs-bootstrap}/cds
    start_cluster
    "$root/bin/obs-bootstrap" up --profile ci --kubeconfig "$kc" --charts-dir "$up_charts" --yes --skip-verify \
      --timeout 120s >/dev/null 2>&1 || true
    "$root/bin/obs-bootstrap" --version >/dev/null
    for ((w = 0; w < 120; w++)); do
      compgen -G "$cds_dir/obs-bootstrap-*.cluster.jsa" >/dev/null \
        && ! cds_busy "$cds_dir" && break
      sleep 0.5
    done
    stop_cluster
    # a fresh simulated cluster for each measurement: the releases own cluster-scoped objects (CRDs, ClusterRoles)
    for ((i = 1; i <= runs; i++)); do
      start_cluster
      sample chain "$java" $jopts -cp "$work/classes:$jar" HelmInstallChain "$work/up-ref" "$up_charts" "$kc" observability
      stop_cluster
      start_cluster
      sample up-first "$root/bin/obs-bootstrap" up --profile ci --kubeconfig "$kc" --charts-dir "$up_charts" \
        --yes --skip-verify --timeout 120s
      sample up-again "$root/bin/obs-bootstrap" up --profile ci --kubeconfig "$kc" --charts-dir "$up_charts" \
        --yes --skip-verify --timeout 120s
      stop_cluster
      if [[ -n $before ]]; then
        start_cluster
        sample up-first-before "$java" -jar "$before" up --profile ci --kubeconfig "$kc" --charts-dir "$up_charts" \
          --yes --skip-verify --timeout 120s
        sample up-again-before "$java" -jar "$before" up --profile ci --kubeconfig "$kc" --charts-dir "$up_charts" \
          --yes --skip-verify --timeout 120s
        stop_cluster
      fi
    done
    echo "up --skip-verify on the simulated cluster, charts from $up_charts (probes are not what is measured)"
    row "up (wall)" up-first chain 1 0.5
    row "up (peak RSS)" up-first chain 3 -
    row "unchanged up (wall)" up-again up-first 1 -
    if [[ -n $before ]]; then
      row "up BEFORE (wall)" up-first-before chain 1 -
      row "up BEFORE (peak RSS)" up-first-before chain 3 -
      row "unchanged up BEFORE (wall)" up-again-before up-first-before 1 -
      echo "unchanged up BEFORE: median $(med up-again-before 1) ms wall, $(med up-again-before 2) ms CPU"
    fi
    echo "unchanged up: median $(med up-again 1) ms wall (goal <= 1500 ms), $(med up-again 2) ms CPU, $(($(med up-again 3) / 1024)) MB peak RSS; up peak RSS $(($(med up-first 3) / 1024)) MB (goal <= 400 MB)"
    ;;
  readiness)
    # RUNS x 5 status writes, after three warm-up ones; prints the median, p90 and maximum
    "$java" $jopts -cp "$work/classes:$testcp" ReadinessLatency $((runs * 5)) 2>"$work/readiness.err" | tail -1
    ;;
  *)
    echo "error: unknown section $section (startup, plan, up, readiness)" >&2
    exit 2
    ;;
  esac
done
echo "done; $(load); samples in $work/*.tsv (wall_ms cpu_ms rss_kb per run)"
