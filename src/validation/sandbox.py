"""Supervisor for cognition-core's PytestRunner: run pytest under limits, then clean up.

Usage: python sandbox.py CONFIG_JSON. The config holds: workdir, timeout (s), cpu (s), memory
(bytes), processes, fsize (bytes), pytest_args. The supervisor forks; the child starts a new
session (its own process group), sets resource limits (CPU, address space, file size, no core
files, and the process count where the kernel enforces it: not for root) and execs
``python -m pytest``. The parent waits with a wall-clock timeout, counts the group's processes
(so a fork bomb is stopped even for root, whom RLIMIT_NPROC does not bind), kills the whole group
when a limit is hit and always once pytest has exited (no stray children), then writes
``supervisor.json`` with what happened.
"""

import json
import os
import resource
import signal
import sys
import time


def group_size(pgid):
    """Return how many live processes are in process group ``pgid``."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/" + entry + "/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 2 and fields[2] == str(pgid).encode() and fields[0] != b"Z":
            count += 1
    return count


def own_process_count():
    """Return how many processes the current real uid owns (RLIMIT_NPROC counts them all)."""
    uid = os.getuid()
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat("/proc/" + entry).st_uid == uid:
                    count += 1
            except OSError:
                pass
    return count


def kill_group(pgid):
    for _ in range(50):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        time.sleep(0.01)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    nproc = cfg["processes"]
    if os.getuid() != 0:
        nproc += own_process_count()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.chdir(cfg["workdir"])
            limits = [
                (resource.RLIMIT_CPU, cfg["cpu"]),
                (resource.RLIMIT_AS, cfg["memory"]),
                (resource.RLIMIT_FSIZE, cfg["fsize"]),
                (resource.RLIMIT_CORE, 0),
                (resource.RLIMIT_NPROC, nproc),
            ]
            for which, value in limits:
                resource.setrlimit(which, (value, value))
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            args = [sys.executable, "-m", "pytest"] + cfg["pytest_args"]
            os.execv(sys.executable, args)
        finally:
            os._exit(127)
    deadline = time.monotonic() + cfg["timeout"]
    status = {"exit": None, "signal": None, "timed_out": False, "process_limit": False}
    while True:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFEXITED(code):
                status["exit"] = os.WEXITSTATUS(code)
            elif os.WIFSIGNALED(code):
                status["signal"] = os.WTERMSIG(code)
            break
        if time.monotonic() > deadline:
            status["timed_out"] = True
            kill_group(pid)
            continue
        if group_size(pid) > cfg["processes"]:
            status["process_limit"] = True
            kill_group(pid)
            continue
        time.sleep(0.02)
    kill_group(pid)
    with open(os.path.join(cfg["workdir"], "supervisor.json"), "w", encoding="utf-8") as f:
        json.dump(status, f)


if __name__ == "__main__":
    main()
