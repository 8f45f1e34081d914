#!/usr/bin/env bash
# Builds the bench in Release, runs ParallelSharp's and Python's multiprocessing Pool's measurements side by side
# (scenario by scenario, alternating, so that load from other processes falls on both alike), and prints the
# targets of the engine issue as a table with ratios; then the remote-node scenarios (issues 4 and 5: ours only,
# the Pool has no remote node) and their targets as a second table.
#
# usage: bench/run.sh [throughput|latency|sumprimes|coldstart|memory ...]     (default: all of them)
#        bench/run.sh [remote-throughput|remote-latency|handshake|discovery|heartbeat-cost|death-to-reschedule ...]
#        bench/run.sh local | remote                                          (one group)
# environment: N (jobs per throughput run, 100000), LATENCY_N (2000), REPEAT (3), WORKERS (2; also each daemon's),
#              OUT_DIR (where results go; default bench/out/<UTC time>),
#              COLDSTART_R2R (1: also measure the cold start from a ReadyToRun publish; 0: skip it)
# Everything stays on this machine: the job server talks to its local node through an in-process pipe, and the
# node to its workers through their standard input and output; the remote scenarios start node daemons
# (src/NodeDaemon's build, which the bench's build produces) on 127.0.0.1, use TCP on loopback and mDNS on the
# loopback interface only, and kill every daemon with its workers when the scenario ends.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
N="${N:-100000}"
LATENCY_N="${LATENCY_N:-2000}"
REPEAT="${REPEAT:-3}"
WORKERS="${WORKERS:-2}"
out="${OUT_DIR:-$here/out/$(date -u +%Y%m%dT%H%M%SZ)}"
local_scenarios=(throughput latency sumprimes coldstart memory)
remote_scenarios=(remote-throughput remote-latency handshake discovery heartbeat-cost death-to-reschedule)
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ] || [ "${scenarios[0]}" = "all" ]; then
  scenarios=("${local_scenarios[@]}" "${remote_scenarios[@]}")
elif [ "${scenarios[0]}" = "local" ]; then
  scenarios=("${local_scenarios[@]}")
elif [ "${scenarios[0]}" = "remote" ]; then
  scenarios=("${remote_scenarios[@]}")
fi
mkdir -p "$out"
touch "$out/ours.jsonl" "$out/pool.jsonl"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet: $(dotnet --version)"
  echo "python: $(python3 --version 2>&1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

echo "# building ParallelSharp.Bench (Release)"
dotnet build "$here/ParallelSharp.Bench/ParallelSharp.Bench.csproj" -c Release -nologo -v quiet
bench_dll="$here/ParallelSharp.Bench/bin/Release/net10.0/ParallelSharp.Bench.dll"

for scenario in "${scenarios[@]}"; do
  if [[ " ${remote_scenarios[*]} " == *" $scenario "* ]]; then
    echo "# ===== $scenario: ParallelSharp, node daemons on 127.0.0.1 ====="
    timeout 1200 dotnet "$bench_dll" "$scenario" --n "$N" --latency-n "$LATENCY_N" --repeat "$REPEAT" --workers "$WORKERS" \
      | tee -a "$out/ours.jsonl"
    continue
  fi
  echo "# ===== $scenario: Python multiprocessing.Pool ====="
  timeout 1200 python3 "$here/python/pool_bench.py" "$scenario" --n "$N" --latency-n "$LATENCY_N" --repeat "$REPEAT" --processes "$WORKERS" \
    | tee -a "$out/pool.jsonl"
  echo "# ===== $scenario: ParallelSharp ====="
  timeout 1200 dotnet "$bench_dll" "$scenario" --n "$N" --latency-n "$LATENCY_N" --repeat "$REPEAT" --workers "$WORKERS" \
    | tee -a "$out/ours.jsonl"
done

# The cold start again from a ReadyToRun publish (Roslyn and the node precompiled), as an application would ship.
if [[ " ${scenarios[*]} " == *" coldstart "* ]] && [ "${COLDSTART_R2R:-1}" = "1" ]; then
  rid="$(dotnet --info | awk '/ RID:/ {print $2; exit}')"
  echo "# ===== coldstart: ParallelSharp published ReadyToRun ($rid) ====="
  if dotnet publish "$here/ParallelSharp.Bench/ParallelSharp.Bench.csproj" -c Release -r "$rid" --self-contained false \
       -p:PublishReadyToRun=true -o "$out/r2r" -nologo -v quiet; then
    timeout 1200 "$out/r2r/ParallelSharp.Bench" coldstart --repeat "$REPEAT" --workers "$WORKERS" --suffix _r2r | tee -a "$out/ours.jsonl"
  else
    echo "# the ReadyToRun publish failed; skipped"
  fi
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
echo
echo "# Targets (medians of $REPEAT repeats; results in $out)"
python3 "$here/python/compare.py" "$out/ours.jsonl" "$out/pool.jsonl" | tee "$out/table.md"
