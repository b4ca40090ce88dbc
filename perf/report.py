#!/usr/bin/env python3
"""Summarise a perf/run.sh run directory: print a table, write results.json.

usage: report.py RUN_DIR

Reads RUN_DIR/meta.json, RUN_DIR/input-*.json (floor --json of each input: file
size and packet count) and RUN_DIR/measurements.jsonl (one measure.py line per
run), writes RUN_DIR/results.json and prints the table on stdout.
"""

import glob
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys

TARGET_VS_FLOOR = 0.75

LABELS = {
    "tshark": "tshark conv+phs",
    "floor": "floor",
    "floor-t1": "floor --threads 1",
    "floor-t2": "floor --threads 2",
    "ottr": "ottr analyze",
    "ottr-t1": "ottr --threads 1",
    "ottr-t2": "ottr --threads 2",
    "ottr-nohash": "ottr analyze --no-hash",
    "ottr-nohash-t1": "ottr --no-hash --threads 1",
    "ottr-engine": "ottr --no-hash --no-dissect",
    "ottr-ot": "ottr --no-hash --no-it-dissect",
}


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def host_info(run):
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass

    def load(name):
        try:
            with open(os.path.join(run, name)) as f:
                return [float(x) for x in f.read().split()[:3]]
        except (OSError, ValueError):
            return None

    return {
        "hostname": platform.node(),
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "mem_total_bytes": mem,
        "kernel": platform.release(),
        "loadavg_start": load("loadavg-start"),
        "loadavg_end": load("loadavg-end"),
    }


def git_info():
    rev = sh("git", "rev-parse", "HEAD")
    status = sh("git", "status", "--porcelain", "--untracked-files=no")
    return {"rev": rev or None, "dirty": bool(status) if status is not None else None}


def summarise(name, reps, inputs):
    ok = [r for r in reps if r["exit_code"] == 0]
    file = reps[0]["file"]
    inp = inputs.get(file) or inputs.get(os.path.basename(file)) or {}
    file_bytes = inp.get("file_bytes") or (os.path.getsize(file) if os.path.exists(file) else None)
    packets = inp.get("packets")
    s = {
        "name": name,
        "label": LABELS.get(name, name),
        "threads": reps[0]["threads"],
        "file": file,
        "file_bytes": file_bytes,
        "packets": packets,
        "cmd": reps[0]["cmd"],
        "cmd_str": shlex.join(reps[0]["cmd"]),
        "runs": len(reps),
        "ok": len(ok) == len(reps),
        "exit_codes": [r["exit_code"] for r in reps],
        "wall_s": [r["wall_s"] for r in reps],
        "peak_anon_bytes": max(r["max_rss_anon_bytes"] for r in reps),
        "peak_file_bytes": max(r["max_rss_file_bytes"] for r in reps),
        "vm_hwm_bytes": max(r["vm_hwm_bytes"] for r in reps),
        "reps": reps,
    }
    if ok:
        best = min(ok, key=lambda r: r["wall_s"])
        s["best_wall_s"] = best["wall_s"]
        s["median_wall_s"] = statistics.median(r["wall_s"] for r in ok)
        s["best_cpu_s"] = round(best["user_s"] + best["sys_s"], 4)
        if file_bytes:
            s["bytes_per_s"] = file_bytes / best["wall_s"]
            s["gb_per_s"] = s["bytes_per_s"] / 1e9
        if packets:
            s["mpps"] = packets / best["wall_s"] / 1e6
    return s


def ratio(a, b, key="bytes_per_s"):
    if a and b and a.get(key) and b.get(key):
        return round(a[key] / b[key], 4)
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    run = sys.argv[1]
    with open(os.path.join(run, "meta.json")) as f:
        meta = json.load(f)
    inputs = {}
    for p in sorted(glob.glob(os.path.join(run, "input-*.json"))):
        with open(p) as f:
            d = json.load(f)
        inputs[d["file"]] = d
    reps_by_name = {}
    meas_path = os.path.join(run, "measurements.jsonl")
    if os.path.exists(meas_path):
        with open(meas_path) as f:
            for line in f:
                if line.strip():
                    m = json.loads(line)
                    reps_by_name.setdefault(m["name"], []).append(m)
    res = {name: summarise(name, reps, inputs) for name, reps in reps_by_name.items()}

    t = res.get("tshark")
    ratios = {
        "ottr_vs_tshark": ratio(res.get("ottr"), t),
        "ottr_vs_floor": ratio(res.get("ottr"), res.get("floor")),
        "ottr_t1_vs_floor_t1": ratio(res.get("ottr-t1"), res.get("floor-t1")),
        "ottr_t2_vs_t1": ratio(res.get("ottr-t2"), res.get("ottr-t1")),
        "ottr_nohash_vs_tshark": ratio(res.get("ottr-nohash"), t),
        "ottr_nohash_vs_floor": ratio(res.get("ottr-nohash"), res.get("floor")),
        "ottr_nohash_all_vs_t1": ratio(res.get("ottr-nohash"), res.get("ottr-nohash-t1")),
        "dissectors_vs_engine": ratio(res.get("ottr-nohash"), res.get("ottr-engine")),
        "it_vs_ot_only": ratio(res.get("ottr-nohash"), res.get("ottr-ot")),
        "ot_only_vs_engine": ratio(res.get("ottr-ot"), res.get("ottr-engine")),
        "engine_vs_tshark": ratio(res.get("ottr-engine"), t),
        "engine_vs_floor": ratio(res.get("ottr-engine"), res.get("floor")),
        "floor_vs_tshark": ratio(res.get("floor"), t),
        "floor_all_vs_t1": ratio(res.get("floor"), res.get("floor-t1")),
    }
    if "floor-t2" in res:
        ratios["floor_t2_vs_t1"] = ratio(res.get("floor-t2"), res.get("floor-t1"))
    # The dissector runs alternate with the engine runs: the median of each pair's
    # ratio is steadier on a loaded machine than the ratio of the two best times.
    pairs = {}
    for name in ("ottr-nohash", "ottr-engine", "ottr-ot"):
        for r in reps_by_name.get(name, []):
            if r["exit_code"] in (0, 1):
                pairs.setdefault(r.get("rep"), {})[name] = r["wall_s"]

    def paired(num, den, key):
        got = [p[den] / p[num] for p in pairs.values() if num in p and den in p]
        if got:
            ratios[key] = round(statistics.median(got), 4)

    paired("ottr-nohash", "ottr-engine", "dissectors_vs_engine_paired")
    paired("ottr-nohash", "ottr-ot", "it_vs_ot_only_paired")
    memtest = None
    m2, m8 = res.get("memtest-2GiB"), res.get("memtest-8GiB")
    if m2 and m8:
        memtest = {
            "peak_anon_2gib_bytes": m2["peak_anon_bytes"],
            "peak_anon_8gib_bytes": m8["peak_anon_bytes"],
            "ratio_8gib_vs_2gib": round(m8["peak_anon_bytes"] / m2["peak_anon_bytes"], 4) if m2["peak_anon_bytes"] else None,
            "ok": m2["ok"] and m8["ok"],
        }

    notes = []
    if t and t["file"] != meta["main_file"]:
        notes.append(
            "tshark was timed on %s (%s bytes), a smaller capture of the same plant (same hosts, "
            "protocols and mix; a prefix of the main file); its bytes/s is that file's size over its wall time"
            % (t["file"], t["file_bytes"])
        )
    elif t:
        notes.append("tshark was timed on the main file itself")
    ls = host_info(run).get("loadavg_start")
    if ls and ls[0] > 0.5:
        notes.append("load average was %.2f at the start: the machine was not idle, timings are noisy" % ls[0])

    tools = {
        "rustc": sh("rustc", "-V"),
        "tshark": (sh(meta.get("tshark_bin", "tshark"), "--version") or "").split("\n")[0] or None,
        "python": platform.python_version(),
    }
    out = {
        "schema": 1,
        "run_dir": run,
        "date_utc": meta.get("stamp"),
        "host": host_info(run),
        "git": git_info(),
        "tools": tools,
        "params": meta,
        "inputs": inputs,
        "results": list(res.values()),
        "ratios": ratios,
        "target": {"ottr_vs_floor_min": TARGET_VS_FLOOR, "met": (ratios["ottr_vs_floor"] >= TARGET_VS_FLOOR) if ratios["ottr_vs_floor"] is not None else None},
        "memtest": memtest,
        "notes": notes,
    }
    with open(os.path.join(run, "results.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    # ---- table ----
    def fmt(v, spec, missing="-"):
        return format(v, spec) if v is not None else missing

    print()
    print("%-22s %7s %-28s %8s %8s %8s %12s %5s" % ("run", "threads", "input", "wall s", "GB/s", "Mpps", "peak anon", "exit"))
    print("-" * 106)
    for name, s in res.items():
        label = s["label"]
        if name == "tshark" and t and t["file"] != meta["main_file"]:
            label += " *"
        size = s["file_bytes"] or 0
        inp = "%s (%.0f MiB)" % (os.path.basename(s["file"]), size / 2**20)
        print(
            "%-22s %7s %-28s %8s %8s %8s %9.1f MiB %5s"
            % (
                label,
                s["threads"],
                inp[:28],
                fmt(s.get("best_wall_s"), ".3f"),
                fmt(s.get("gb_per_s"), ".3f"),
                fmt(s.get("mpps"), ".2f"),
                s["peak_anon_bytes"] / 2**20,
                ",".join(str(c) for c in sorted(set(s["exit_codes"]))),
            )
        )
    print()
    if t and t["file"] != meta["main_file"]:
        print("* tshark timed on a %.0f MiB capture of the same plant (TSHARK_SIZE); throughput is bytes/s of that file" % ((t["file_bytes"] or 0) / 2**20))
    names = [
        ("ottr_vs_tshark", "ottr / tshark      (bytes/s, all cores)"),
        ("ottr_vs_floor", "ottr / floor       (bytes/s, all cores; target >= %.2f)" % TARGET_VS_FLOOR),
        ("ottr_t1_vs_floor_t1", "ottr / floor       (bytes/s, 1 thread)"),
        ("ottr_t2_vs_t1", "ottr 2 threads / 1 thread"),
        ("ottr_nohash_vs_tshark", "ottr --no-hash / tshark"),
        ("ottr_nohash_vs_floor", "ottr --no-hash / floor (target >= %.2f)" % TARGET_VS_FLOOR),
        ("ottr_nohash_all_vs_t1", "ottr --no-hash all cores / 1 thread"),
        ("engine_vs_tshark", "engine alone (--no-dissect) / tshark"),
        ("engine_vs_floor", "engine alone / floor (target >= %.2f)" % TARGET_VS_FLOOR),
        ("dissectors_vs_engine", "with dissectors / engine alone (issue 3: >= 0.75)"),
        ("dissectors_vs_engine_paired", "  same, median of alternated pairs"),
        ("ot_only_vs_engine", "industrial dissectors only / engine alone"),
        ("it_vs_ot_only", "with IT dissectors / industrial only (issue 4)"),
        ("it_vs_ot_only_paired", "  same, median of alternated pairs"),
        ("floor_vs_tshark", "floor / tshark"),
        ("floor_all_vs_t1", "floor all cores / 1 thread"),
        ("floor_t2_vs_t1", "floor 2 threads / 1 thread"),
    ]
    for key, label in names:
        if key in ratios:
            print("%-56s %s" % (label, fmt(ratios[key], ".3f", "n/a")))
    if memtest:
        print(
            "%-56s %s  (%.1f MiB -> %.1f MiB)"
            % ("ottr peak anon memory 8GiB / 2GiB", fmt(memtest["ratio_8gib_vs_2gib"], ".3f", "n/a"), memtest["peak_anon_2gib_bytes"] / 2**20, memtest["peak_anon_8gib_bytes"] / 2**20)
        )
    for n in notes:
        print("note: " + n)
    print("results: " + os.path.join(run, "results.json"))


if __name__ == "__main__":
    main()
