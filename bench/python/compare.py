#!/usr/bin/env python3
"""Reads the JSON lines of ParallelSharp.Bench and of pool_bench.py from one run and prints the issue's targets as a
Markdown table: our figure, the Pool's, the ratio, the target and whether it is met. When the run has remote-node
scenarios (issues 4 and 5), a second table gives their targets (ours only: the Pool has no remote node).

usage: compare.py OURS.jsonl POOL.jsonl
Lines that are not JSON objects (the '# ' lines for people) are ignored. Figures are medians of the repeats.
"""

import json
import sys


def load(path):
    lines = {}
    with open(path) as source:
        for raw in source:
            raw = raw.strip()
            if raw.startswith("{"):
                line = json.loads(raw)
                lines[line["scenario"]] = line
    return lines


def get(lines, scenario, field):
    value = lines.get(scenario, {}).get(field)
    return value if isinstance(value, (int, float)) else None


def fmt(value, digits=1, unit=""):
    if value is None:
        return "–"
    if isinstance(value, float) and value != value:  # NaN
        return "–"
    text = f"{value:,.{digits}f}"
    return f"{text}{unit}" if unit == "×" else f"{text} {unit}".strip()


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ours, pool = load(sys.argv[1]), load(sys.argv[2])
    rows = []

    def row(name, our, theirs, rat, rat_label, target, met, digits=1, unit=""):
        rows.append((name, fmt(our, digits, unit), fmt(theirs, digits, unit),
                     "–" if rat is None else f"{rat:.2f}× {rat_label}".strip(), target,
                     "–" if met is None else ("yes" if met else "**no**")))

    o, p = get(ours, "throughput_submit", "median"), get(pool, "throughput_submit", "median")
    r = ratio(o, p)
    row("Trivial job `x + 1`, N at once (jobs/s; Pool: apply_async)", o, p, r, "ours/Pool", "≥ 2× Pool", None if r is None else r >= 2, 0)
    o, p = get(ours, "throughput_map", "median"), get(pool, "throughput_map", "median")
    row("Same N via Map / Pool.map, default chunking (jobs/s)", o, p, ratio(o, p), "ours/Pool", "(reported)", None, 0)
    o, p = get(ours, "latency", "p50"), get(pool, "latency", "p50")
    r = ratio(p, o)
    row("One job at a time, p50 submit→result (µs)", o, p, r, "Pool/ours", "ours ≤ ½ Pool", None if r is None else r >= 2)
    o, p = get(ours, "latency", "p90"), get(pool, "latency", "p90")
    row("… p90 (µs)", o, p, ratio(p, o), "Pool/ours", "(reported)", None)
    o, p = get(ours, "latency", "p99"), get(pool, "latency", "p99")
    row("… p99 (µs)", o, p, ratio(p, o), "Pool/ours", "(reported)", None)
    o = get(ours, "latency", "p50_blocking")
    row("… p50 with the blocking `job.Result` instead of `await` (µs)", o, None, None, "", "(reported)", None)
    o, p = get(ours, "sumprimes_pp", "speedup"), get(pool, "sumprimes_pp", "speedup")
    row("SumPrimes pp set (8 jobs), 1 → 2 workers speedup", o, p, None, "", "≥ 1.85×", None if o is None else o >= 1.85, 2, "×")
    o1, o2 = get(ours, "sumprimes_pp", "t1_median"), get(ours, "sumprimes_pp", "t2_median")
    p1, p2 = get(pool, "sumprimes_pp", "t1_median"), get(pool, "sumprimes_pp", "t2_median")
    row("… time with 1 worker (s)", o1, p1, ratio(p1, o1), "Pool/ours", "(reported)", None, 3)
    row("… time with 2 workers (s)", o2, p2, ratio(p2, o2), "Pool/ours", "(reported)", None, 3)
    o, p = get(ours, "sumprimes_pp", "workers_cores_2w"), get(pool, "sumprimes_pp", "workers_cores_2w")
    row("… cores the 2 workers got during the 2-worker runs (CPU time / wall time)", o, p, None, "", "(2.0 ideal)", None, 2)
    o, p = get(ours, "sumprimes_pp", "other_processes_cores_2w"), get(pool, "sumprimes_pp", "other_processes_cores_2w")
    row("… cores other processes on the machine used meanwhile", o, p, None, "", "(0 ideal)", None, 2)
    o = get(ours, "sumprimes_heavy", "speedup")
    row("SumPrimes heavy set (16 jobs), 1 → 2 workers speedup", o, None, None, "", "≥ 1.85×", None if o is None else o >= 1.85, 2, "×")
    o1, o2 = get(ours, "sumprimes_heavy", "t1_median"), get(ours, "sumprimes_heavy", "t2_median")
    row("… time with 1 / 2 workers (s)", o1, None, None, "", f"2 workers: {fmt(o2, 3)} s", None, 3)
    o, o2 = get(ours, "sumprimes_heavy", "workers_cores_2w"), get(ours, "sumprimes_heavy", "other_processes_cores_2w")
    row("… cores the 2 workers got / other processes used, during the 2-worker runs", o, None, None, "", f"others: {fmt(o2, 2)}", None, 2)
    o, p = get(ours, "coldstart", "first_result_s"), get(pool, "coldstart", "first_result_s")
    row("Fresh process: `new JobServer()` → first result of a never-seen function (s; Pool: Pool() → first result, no compile)",
        o, p, None, "", "≤ 0.8 s", None if o is None else o <= 0.8, 3)
    o, o2 = get(ours, "coldstart", "cpu_to_first_result_ms"), get(ours, "coldstart_r2r", "cpu_to_first_result_ms")
    row("… CPU the job server process used from its start to that result (ms; IL build)", o, None, None, "", f"R2R: {fmt(o2, 0)} ms", None, 0)
    o = get(ours, "coldstart_r2r", "first_result_s")
    row("… the same from a ReadyToRun publish (`PublishReadyToRun=true`: Roslyn and the node precompiled) (s)", o, None, None, "", "≤ 0.8 s",
        None if o is None else o <= 0.8, 3)
    o = get(ours, "coldstart", "warmup_ms")
    row("… of which: compiler warm-up in the background (ms)", o, None, None, "", "(reported)", None, 0)
    o = get(ours, "coldstart", "compile_ms")
    row("New function on a warm node: node's compile time (ms)", o, None, None, "", "≤ 30 ms", None if o is None else o <= 30)
    o = get(ours, "coldstart", "compile_server_cpu_ms")
    row("… CPU the job server process spent on it (ms; immune to other processes taking the cores)", o, None, None, "", "≤ 30 ms", None if o is None else o <= 30)
    o = get(ours, "coldstart_r2r", "compile_ms")
    row("… the same from the ReadyToRun publish (ms)", o, None, None, "", "≤ 30 ms", None if o is None else o <= 30)
    o = get(ours, "coldstart", "new_minus_seen_ms")
    row("… submit→result of a never-seen minus a seen function (ms)", o, None, None, "", "(reported)", None)
    compiles, hits = get(ours, "coldstart", "restart_compiles"), get(ours, "coldstart", "restart_disk_hits")
    rows.append(("Function seen before, after a node restart (same cache dir): compiles / disk hits",
                 "–" if compiles is None else f"{compiles} / {hits}", "–", "–", "0 compiles",
                 "–" if compiles is None else ("yes" if compiles == 0 and hits else "**no**")))
    o = get(ours, "coldstart", "restart_disk_hit_ms")
    row("… its submit→result on the warm restarted node (ms)", o, None, None, "", "(reported)", None, 2)
    o = get(ours, "coldstart", "restart_first_result_s")
    row("… fresh process → first result of a disk-cached function (s)", o, None, None, "", "(reported)", None, 3)
    o, p = get(ours, "memory", "worker_after_jobs_mib"), get(pool, "memory", "worker_after_jobs_mib")
    row("Idle worker process, after 10,000 jobs (VmRSS MiB)", o, p, None, "", "≤ 40 MB", None if o is None else o <= 40 * 1e6 / 1048576)
    o, p = get(ours, "memory", "worker_pss_after_jobs_mib"), get(pool, "memory", "worker_pss_after_jobs_mib")
    row("… its proportional share (Pss MiB: shared runtime pages divided among the processes mapping them)", o, p, None, "", "(reported)", None)
    o = get(ours, "memory", "worker_fresh_mib")
    row("… idle worker before any job (VmRSS MiB)", o, None, None, "", "(reported)", None)
    o = get(ours, "memory", "server_rss_delta_mib")
    row("Job server: 100,000 queued jobs, RSS increase (MiB)", o, None, None, "", "≤ 150 MB", None if o is None else o <= 150 * 1e6 / 1048576)
    o = get(ours, "memory", "server_heap_delta_mib")
    row("… GC heap increase (MiB)", o, None, None, "", "(reported)", None)

    if any(name in ours for name in LOCAL_SCENARIOS) or any(name in pool for name in LOCAL_SCENARIOS):
        print("| Target | ParallelSharp | Python Pool | Ratio | Target | Met |")
        print("| --- | ---: | ---: | ---: | --- | --- |")
        for cells in rows:
            print("| " + " | ".join(cells) + " |")
    if any(name in ours for name in REMOTE_SCENARIOS):
        print()
        remote_table(ours)


LOCAL_SCENARIOS = ("throughput_submit", "latency", "sumprimes_pp", "sumprimes_heavy", "coldstart", "memory")
REMOTE_SCENARIOS = ("remote_throughput", "remote_latency", "handshake", "discovery", "heartbeat_cost", "death_to_reschedule")


def remote_table(ours):
    """The targets of the remote-nodes (4) and fault-tolerance (5) issues: loopback, one or two daemons of 2 workers."""
    rows = []

    def row(name, value, target, met, digits=1, unit=""):
        rows.append((name, fmt(value, digits, unit), target, "–" if met is None or value is None else ("yes" if met else "**no**")))

    o = get(ours, "remote_throughput", "median")
    row("Remote node (daemon, 2 workers): trivial job `x + 1`, N at once (jobs/s)", o, "≥ 40,000/s", o is not None and o >= 40_000, 0)
    s, d, w = (get(ours, "remote_throughput", f"cpu_us_per_job_{p}") for p in ("server", "daemon", "workers"))
    rows.append(("… CPU per job: job server / daemon / workers (µs)", f"{fmt(s)} / {fmt(d)} / {fmt(w)}", "(reported)", "–"))
    o = get(ours, "remote_latency", "p50")
    row("Remote node: one job at a time, p50 submit→result (µs)", o, "≤ 80 µs", o is not None and o <= 80)
    row("… p90 (µs)", get(ours, "remote_latency", "p90"), "(reported)", None)
    row("… p99 (µs)", get(ours, "remote_latency", "p99"), "(reported)", None)
    row("… bare TCP round trip on loopback, p50 (µs; the transport's floor)", get(ours, "remote_latency", "tcp_rtt_p50"), "(reported)", None)
    o = get(ours, "handshake", "median")
    row("Connect + mutual HMAC handshake, median (ms)", o, "≤ 5 ms", o is not None and o <= 5, 3)
    o = get(ours, "handshake", "p99")
    row("… p99 (ms)", o, "≤ 5 ms", o is not None and o <= 5, 3)
    o = get(ours, "discovery", "start_to_result_s")
    row("Discovery: daemon process start → first job result, function disk-cached (s)", o, "≤ 2 s", o is not None and o <= 2, 3)
    row("… daemon's own start → `listening` (s; includes mDNS probing)", get(ours, "discovery", "start_to_listening_s"), "(reported)", None, 3)
    row("… daemon start → job server connected (s)", get(ours, "discovery", "start_to_joined_s"), "(reported)", None, 3)
    row("… with an empty compile cache (s; cold Roslyn on the fresh daemon)", get(ours, "discovery", "cold_start_to_result_s"), "(reported)", None, 3)
    o = get(ours, "discovery", "term_to_no_work_ms")
    row("SIGTERM → the job server gives the node no new work (capacity 0 or gone) (ms)", o, "at once (≤ 100 ms taken here)", o is not None and o <= 100)
    row("… → gone from `ActiveNodes` (its jobs handed back, connection closed) (ms)", get(ours, "discovery", "term_to_inactive_ms"), "(reported)", None)
    row("… → the job server logs the goodbye (ms)", get(ours, "discovery", "term_to_goodbye_ms"), "(reported)", None)
    o = get(ours, "heartbeat_cost", "heartbeat_share_of_busy_cpu_percent")
    row("Heartbeats (1 s): their CPU, share of the job server's and daemon's CPU while jobs flow (%)", o, "< 1 %", o is not None and o < 1, 3)
    o, spread = get(ours, "heartbeat_cost", "cost_percent"), get(ours, "heartbeat_cost", "spread_off_percent")
    rows.append(("… throughput on vs off, median of each arm (%; positive = heartbeats cost)", fmt(o, 2),
                 f"(noise: spread within an arm {fmt(spread)} %)", "–"))
    o = get(ours, "death_to_reschedule", "kill_to_lost_ms")
    row("kill -9 of a node → job server declares it lost (ms)", o, "< 500 ms", o is not None and o < 500)
    o = get(ours, "death_to_reschedule", "kill_to_first_rescheduled_done_ms")
    row("kill -9 → first of its running jobs completes on the other node (ms)", o, "< 500 ms", o is not None and o < 500)
    o = get(ours, "death_to_reschedule", "wrong_results")
    row("… results wrong or missing, all kills", o, "0", o == 0, 0)

    print("| Target (remote nodes, loopback) | ParallelSharp | Target | Met |")
    print("| --- | ---: | --- | --- |")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
