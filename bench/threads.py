#!/usr/bin/env python3
"""Where a tcpstate run spends its CPU, thread by thread.

    bench/threads.py [--every SECONDS] SUBCOMMAND [ARGS...]

e.g. bench/threads.py connections --format jsonl /data/large.pcap
     bench/threads.py analyze /data/large.pcap

Runs ./tcpstate with the arguments given (its output goes to /dev/null), reads the CPU time of each of its threads
from /proc/PID/task/*/stat every SECONDS (default 0.1) until it exits, and prints the wall time and each kind of
thread's CPU time (user + system): tcpstate's own threads (main: the connection table and the detectors;
tcpstate-read: reading and decoding; tcpstate-write: formatting and writing records), the JIT compilers, the garbage
collector and the rest of the JVM. A thread's last sample is at most SECONDS old when it ends, so each figure may be
short by that much. With two cores, a run can take no less wall time than half its total CPU, nor less than its
busiest thread's CPU.
"""
import os
import re
import subprocess
import sys
import time


def sample(pid):
    """tid -> (thread name, CPU seconds) for every live thread of pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    base = f"/proc/{pid}/task"
    try:
        tids = os.listdir(base)
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f"{base}/{tid}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[tid] = (name, (int(fields[11]) + int(fields[12])) / ticks)  # utime, stime
    return out


def kind(name):
    if name in ("main", "java"):
        return "main (connection table, detectors)"
    if name.startswith("tcpstate-read"):
        return "tcpstate-read (reading, decoding)"
    if name.startswith("tcpstate-write"):
        return "tcpstate-write (formatting, writing)"
    if name.startswith("C2 Compiler"):
        return "C2 JIT compiler"
    if name.startswith("C1 Compiler"):
        return "C1 JIT compiler"
    if name.startswith("GC Thread") or name.startswith("VM Thread") or re.match(r"G1|ParGC|PSYoung", name):
        return "garbage collector and VM thread"
    return "other JVM threads"


def main(argv):
    every = 0.1
    if len(argv) >= 2 and argv[0] == "--every":
        every = float(argv[1])
        argv = argv[2:]
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    start = time.monotonic()
    # The launcher execs the JVM, so the child's PID is the JVM's.
    proc = subprocess.Popen([os.path.join(here, "tcpstate"), *argv], stdout=subprocess.DEVNULL)
    last = {}
    while proc.poll() is None:
        last.update(sample(proc.pid))
        time.sleep(every)
    wall = time.monotonic() - start
    totals = {}
    for name, cpu in last.values():
        totals[kind(name)] = totals.get(kind(name), 0.0) + cpu
    cpu = sum(totals.values())
    print(f"tcpstate {' '.join(argv)}")
    print(f"exit {proc.returncode}, wall {wall:.2f} s, CPU {cpu:.2f} s (threads sampled every {every} s)")
    for k, v in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {v:7.2f} s  {k}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
