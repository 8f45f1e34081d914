#!/usr/bin/env python3
"""Python's multiprocessing Pool on the workloads of ParallelSharp's bench, for a side-by-side comparison.

Scenarios (selectable by argument, default all): throughput (apply_async of x + 1, N at once; and Pool.map with its
default chunksize), latency (one apply_async at a time, submit -> result), sumprimes (pp's SumPrimes on 1 and 2
processes), coldstart (a fresh interpreter: Pool() -> first result), memory (resident set of an idle pool process).

Output: one JSON line per scenario on standard output (same field names as ParallelSharp.Bench), and '# ' lines for
people. Every loop is bounded in count; the pool talks over its own pipes only.
"""

import argparse
import json
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

IMPL = "python-pool"


def inc(x):
    return x + 1


def is_prime(n):
    # The same naive trial division as the C# job (pp's demo checks divisors up to sqrt(n)).
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


def sum_primes(n):
    return sum(x for x in range(2, n) if is_prime(x))


PP_INPUTS = [100_000 + i * 100 for i in range(8)]


def human(text):
    print("# " + text, flush=True)


def load_average():
    try:
        with open("/proc/loadavg") as source:
            return float(source.read().split()[0])
    except OSError:
        return float("nan")


def process_cpu_ms(pid):
    """utime + stime of a process from /proc/<pid>/stat, in ms (USER_HZ = 100)."""
    try:
        with open(f"/proc/{pid}/stat") as source:
            fields = source.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 10.0
    except OSError:
        return float("nan")


def machine_busy_ms():
    with open("/proc/stat") as source:
        fields = [int(f) for f in source.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) * 10.0


def emit(scenario, unit, **fields):
    line = {"impl": IMPL, "scenario": scenario, "unit": unit}
    line.update(fields)
    line["loadavg_1m"] = load_average()
    print(json.dumps(line), flush=True)
    return line


def percentile(samples, p):
    ordered = sorted(samples)
    rank = math.ceil(p / 100.0 * len(ordered))
    return ordered[min(max(rank - 1, 0), len(ordered) - 1)]


def throughput(args):
    with multiprocessing.Pool(args.processes) as pool:
        # Warm-up: the same 5,000 jobs the C# bench warms up with.
        [r.get(timeout=60) for r in [pool.apply_async(inc, (i,)) for i in range(5_000)]]
        pool.map_async(inc, range(5_000)).get(timeout=60)
        rates = []
        for run in range(args.repeat):
            started = time.perf_counter()
            results = [pool.apply_async(inc, (i,)) for i in range(args.n)]
            values = [r.get(timeout=180) for r in results]
            seconds = time.perf_counter() - started
            assert values[-1] == args.n and values[0] == 1
            rates.append(args.n / seconds)
            human(f"apply_async run {run + 1}: {args.n} jobs in {seconds:.3f} s = {args.n / seconds:.0f} jobs/s")
        emit("throughput_submit", "jobs/s", n=args.n, workers=args.processes, median=round(statistics.median(rates)),
             best=round(max(rates)), runs=[round(r) for r in rates])

        map_rates = []
        for run in range(args.repeat):
            started = time.perf_counter()
            values = pool.map_async(inc, range(args.n)).get(timeout=180)
            seconds = time.perf_counter() - started
            assert len(values) == args.n and values[-1] == args.n
            map_rates.append(args.n / seconds)
            human(f"map run {run + 1}: {args.n} inputs in {seconds:.3f} s = {args.n / seconds:.0f} jobs/s")
        emit("throughput_map", "jobs/s", n=args.n, workers=args.processes, chunk_size="default",
             median=round(statistics.median(map_rates)), best=round(max(map_rates)), runs=[round(r) for r in map_rates])


def latency(args):
    with multiprocessing.Pool(args.processes) as pool:
        for i in range(500):
            pool.apply_async(inc, (i,)).get(timeout=30)
        runs = []
        for run in range(args.repeat):
            samples = []
            for i in range(args.latency_n):
                started = time.perf_counter_ns()
                value = pool.apply_async(inc, (i,)).get(timeout=30)
                samples.append((time.perf_counter_ns() - started) / 1000.0)
                assert value == i + 1
            figures = {"p50": percentile(samples, 50), "p90": percentile(samples, 90), "p99": percentile(samples, 99),
                       "mean": statistics.fmean(samples), "max": max(samples)}
            runs.append(figures)
            human(f"run {run + 1}: p50 {figures['p50']:.1f} us, p90 {figures['p90']:.1f} us, p99 {figures['p99']:.1f} us, "
                  f"mean {figures['mean']:.1f} us, max {figures['max']:.1f} us")
        med = lambda key: round(statistics.median(r[key] for r in runs), 1)
        emit("latency", "us", n=args.latency_n, workers=args.processes, p50=med("p50"), p90=med("p90"), p99=med("p99"),
             p50_best=round(min(r["p50"] for r in runs), 1), mean=med("mean"),
             runs=[{k: round(v, 1) for k, v in r.items() if k != "mean"} for r in runs])


def sumprimes(args):
    expected = None
    with multiprocessing.Pool(1) as one, multiprocessing.Pool(2) as two:
        for pool in (one, two):
            # Warm-up: start the processes and import everything.
            pool.map_async(inc, range(10)).get(timeout=60)
        t1, t2 = [], []
        cores = {1: [], 2: []}
        others = []
        for run in range(args.repeat):
            for pool, times, count in ((one, t1, 1), (two, t2, 2)):
                pids = [p.pid for p in pool._pool]  # private, but stable for years; only read here
                cpu_before, machine_before = sum(process_cpu_ms(pid) for pid in pids), machine_busy_ms()
                started = time.perf_counter()
                results = [pool.apply_async(sum_primes, (n,)) for n in PP_INPUTS]
                values = [r.get(timeout=600) for r in results]
                times.append(time.perf_counter() - started)
                ours = sum(process_cpu_ms(pid) for pid in pids) - cpu_before
                cores[count].append(ours / (times[-1] * 1000))
                if count == 2:
                    others.append(max(0.0, machine_busy_ms() - machine_before - ours) / (times[-1] * 1000))
                if expected is None:
                    expected = values
                assert values == expected
            human(f"sumprimes_pp run {run + 1}: 1 process {t1[-1]:.3f} s (it got {cores[1][-1]:.2f} cores), 2 processes {t2[-1]:.3f} s, "
                  f"speedup {t1[-1] / t2[-1]:.2f}x; during the 2-process run they got {cores[2][-1]:.2f} cores and other processes used {others[-1]:.2f}")
    m1, m2 = statistics.median(t1), statistics.median(t2)
    emit("sumprimes_pp", "s", jobs=len(PP_INPUTS), inputs=f"{PP_INPUTS[0]}..{PP_INPUTS[-1]} step 100",
         t1_median=round(m1, 3), t2_median=round(m2, 3), t1_best=round(min(t1), 3), t2_best=round(min(t2), 3),
         speedup=round(m1 / m2, 3), speedup_best=round(min(t1) / min(t2), 3),
         workers_cores_1w=round(statistics.median(cores[1]), 2), workers_cores_2w=round(statistics.median(cores[2]), 2),
         other_processes_cores_2w=round(statistics.median(others), 2),
         t1_runs=[round(t, 3) for t in t1], t2_runs=[round(t, 3) for t in t2])


def coldstart_child(args):
    # Interpreter start-up is not counted by the C# figure either (it is reported apart there).
    started = time.perf_counter()
    with multiprocessing.Pool(args.processes) as pool:
        value = pool.apply_async(inc, (41,)).get(timeout=60)
        seconds = time.perf_counter() - started
    assert value == 42
    print(json.dumps({"first_result_s": seconds}), flush=True)


def coldstart(args):
    firsts = []
    for run in range(args.repeat):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child-coldstart", "--processes", str(args.processes)],
                             check=True, capture_output=True, text=True, timeout=120)
        total = time.perf_counter() - started
        first = json.loads(out.stdout.strip().splitlines()[-1])["first_result_s"]
        firsts.append(first)
        human(f"run {run + 1}: Pool() to first result {first:.3f} s (whole child process {total:.3f} s)")
    emit("coldstart", "s", workers=args.processes, runs=args.repeat, first_result_s=round(statistics.median(firsts), 3),
         first_result_s_best=round(min(firsts), 3))


def pss_mib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return float("nan")
    return float("nan")


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return float("nan")
    return float("nan")


def memory(args):
    with multiprocessing.Pool(args.processes) as pool:
        pool.map_async(inc, range(10_000)).get(timeout=60)
        time.sleep(1)
        # The pool's processes (private attribute, but stable for years and only read here).
        pids = [p.pid for p in pool._pool]
        after_jobs = max(rss_mib(pid) for pid in pids)
        pss = max(pss_mib(pid) for pid in pids)
    emit("memory", "MiB", workers=args.processes, worker_after_jobs_mib=round(after_jobs, 1), worker_pss_after_jobs_mib=round(pss, 1),
         server_rss_mib=round(rss_mib(os.getpid()), 1))
    human(f"idle pool process after 10,000 jobs: {after_jobs:.1f} MiB resident (Pss {pss:.1f} MiB)")


SCENARIOS = {"throughput": throughput, "latency": latency, "sumprimes": sumprimes, "coldstart": coldstart, "memory": memory}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="throughput latency sumprimes coldstart memory, or all (default)")
    parser.add_argument("--n", type=int, default=100_000, help="jobs per throughput run")
    parser.add_argument("--latency-n", type=int, default=2_000, help="jobs per latency run (after 500 warm-up jobs)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement")
    parser.add_argument("--processes", type=int, default=2, help="pool processes")
    parser.add_argument("--child-coldstart", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_coldstart:
        coldstart_child(args)
        return
    names = args.scenarios or ["all"]
    if "all" in names:
        names = list(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {' '.join(unknown)}")
    human(f"Python {sys.version.split()[0]} multiprocessing.Pool({args.processes}), start method "
          f"{multiprocessing.get_start_method()}, n={args.n}, latency n={args.latency_n}, repeat={args.repeat}")
    for name in names:
        human(f"--- {name} ---")
        SCENARIOS[name](args)


if __name__ == "__main__":
    main()
