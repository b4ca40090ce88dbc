#!/usr/bin/env python3
"""Run a command and report its time and peak memory as one JSON line.

usage: measure.py [--interval-ms 5] [--stdout FILE] [--tag KEY=VALUE ...] -- CMD ARGS...

While the command runs, /proc/<pid>/status is sampled every --interval-ms
milliseconds for VmHWM, RssAnon and RssFile. RssAnon is the memory the process
itself allocated (heap, stacks, anonymous maps); RssFile counts pages of mapped
files such as a memory-mapped capture, which are page cache and are reclaimable,
so peak RssAnon is the number that must not grow with the input size.

Printed on stdout (one line):
  cmd, exit_code, wall_s, user_s, sys_s (from os.wait4's rusage),
  max_rss_anon_bytes, max_rss_file_bytes (max over samples),
  vm_hwm_bytes (kernel's peak RSS, anon+file+shmem, from the last sample),
  ru_maxrss_bytes (rusage peak RSS), samples, interval_ms, and any --tag pairs.

The command's stdout goes to --stdout FILE if given, otherwise to this
script's stderr, so stdout carries only the JSON line. Its stderr is inherited.
measure.py exits 0 whenever it could start the command; the command's status is
in exit_code (negative: killed by that signal; 127: could not be executed).
"""

import json
import os
import sys
import time

FIELDS = {"VmHWM": "vm_hwm", "RssAnon": "rss_anon", "RssFile": "rss_file", "VmRSS": "vm_rss"}


def read_status(pid):
    """Return {vm_hwm, rss_anon, rss_file, vm_rss} in bytes, or None once gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            data = f.read()
    except OSError:
        return None
    out = {}
    for line in data.split(b"\n"):
        key, _, rest = line.partition(b":")
        name = FIELDS.get(key.decode("ascii", "replace"))
        if name:
            parts = rest.split()
            if parts:
                out[name] = int(parts[0]) * 1024  # values are in kB
    return out or None


def parse_args(argv):
    interval_ms = 5.0
    stdout_path = None
    tags = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if a in ("-h", "--help"):
            print(__doc__, file=sys.stderr)
            sys.exit(0)
        if a == "--interval-ms":
            interval_ms = float(argv[i + 1])
            i += 2
        elif a == "--stdout":
            stdout_path = argv[i + 1]
            i += 2
        elif a == "--tag":
            k, _, v = argv[i + 1].partition("=")
            try:
                tags[k] = json.loads(v)
            except ValueError:
                tags[k] = v
            i += 2
        else:
            break  # the command starts here (no "--")
    cmd = argv[i:]
    if not cmd:
        print("usage: measure.py [--interval-ms 5] [--stdout FILE] [--tag K=V] -- CMD ARGS...", file=sys.stderr)
        sys.exit(2)
    return interval_ms, stdout_path, tags, cmd


def main():
    interval_ms, stdout_path, tags, cmd = parse_args(sys.argv[1:])
    out_fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if stdout_path else 2
    sys.stdout.flush()
    sys.stderr.flush()
    # The pipe is close-on-exec: once the parent reads EOF the child has exec'd, so no
    # sample ever sees the forked copy of this Python process.
    ready_r, ready_w = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(ready_r)
            os.dup2(out_fd, 1)
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, f"measure.py: cannot run {cmd[0]}: {e}\n".encode())
        os._exit(127)
    os.close(ready_w)
    if stdout_path:
        os.close(out_fd)
    os.read(ready_r, 1)
    os.close(ready_r)

    interval = interval_ms / 1000.0
    max_anon = max_file = hwm = 0
    samples = 0
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        st = read_status(pid)
        if st:
            samples += 1
            max_anon = max(max_anon, st.get("rss_anon", 0))
            max_file = max(max_file, st.get("rss_file", 0))
            hwm = max(hwm, st.get("vm_hwm", 0))
        time.sleep(interval)
    wall = time.perf_counter() - t0

    result = dict(tags)
    result.update(
        {
            "cmd": cmd,
            "exit_code": os.waitstatus_to_exitcode(status),
            "wall_s": round(wall, 4),
            "user_s": round(ru.ru_utime, 4),
            "sys_s": round(ru.ru_stime, 4),
            "max_rss_anon_bytes": max_anon,
            "max_rss_file_bytes": max_file,
            "vm_hwm_bytes": hwm,
            "ru_maxrss_bytes": ru.ru_maxrss * 1024,
            "samples": samples,
            "interval_ms": interval_ms,
        }
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
