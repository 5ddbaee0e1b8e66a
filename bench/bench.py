#!/usr/bin/env python3
"""Runs Partner Portal and the empty baseline Tauri app side by side and prints a Markdown table.

Called by bench/run.sh (which builds both apps first); see bench/README.md. Standard library only.

Each run of each app:
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- sh -c LAUNCHER <binary>
where LAUNCHER starts an unlocked throwaway gnome-keyring (if installed), prints
`bench-mark launch <epoch ms> <pid>` and execs the app (so <pid> is the app's pid). The apps print
`bench-mark first_paint <epoch ms>` (and ours `bench-mark signed_in <epoch ms>`) on stdout.
`--idle-secs` after launch the PSS and RSS of the app and all its descendants (WebKitWebProcess,
WebKitNetworkProcess, ...) are summed from /proc/<pid>/smaps_rollup; then the app gets SIGTERM,
and anything left of the run (found by a per-run tag in the environment) gets SIGKILL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

XVFB_SCREEN = "-screen 0 1280x800x24 -nolisten tcp"
TAG_VAR = "PARTNER_PORTAL_BENCH_TAG"

# Runs inside the dbus session; $@ is the app binary. Prints the launch mark just before exec.
LAUNCHER = r"""
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf %s bench | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
fi
printf 'bench-mark launch %s %s\n' "$(date +%s%3N)" "$$"
exec "$@"
"""


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------- /proc


def proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (ppid, comm) for every live process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read().decode(errors="replace")
        except OSError:
            continue
        # comm is in parentheses and may contain spaces; the fields after the last ')' are fixed.
        lp, rp = raw.find("("), raw.rfind(")")
        fields = raw[rp + 2 :].split()
        if len(fields) < 2 or fields[0] == "Z":
            continue
        table[int(entry)] = (int(fields[1]), raw[lp + 1 : rp])
    return table


def proc_name(pid: int, comm: str) -> str:
    """Basename of argv[0] (comm is cut at 15 characters: "WebKitWebProces")."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv0 = f.read().split(b"\0", 1)[0].decode(errors="replace")
        return os.path.basename(argv0) or comm
    except OSError:
        return comm


def tree(root: int) -> list[tuple[int, str]]:
    """root and all its live descendants, as (pid, comm)."""
    table = proc_table()
    if root not in table:
        return []
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append((pid, table[pid][1]))
        todo.extend(children.get(pid, []))
    return out


def rollup_kib(pid: int) -> tuple[int, int] | None:
    """(Pss, Rss) in KiB from /proc/<pid>/smaps_rollup."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            text = f.read()
    except OSError:
        return None
    vals = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("Pss:", "Rss:"):
            vals[parts[0]] = int(parts[1])
    if "Pss:" not in vals:
        return None
    return vals["Pss:"], vals.get("Rss:", 0)


def tagged_pids(tag: str) -> list[int]:
    needle = f"{TAG_VAR}={tag}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        if needle in env.split(b"\0"):
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
        return raw[raw.rfind(b")") + 2 : raw.rfind(b")") + 3] != b"Z"
    except OSError:
        return False


def kill_all(pids, sig) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def wait_gone(pids, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return not any(alive(p) for p in pids)


# ---------------------------------------------------------------------------------------- runs


@dataclass
class Run:
    app: str
    index: int
    launch: int | None = None
    marks: dict[str, int] = field(default_factory=dict)
    pss_kib: int | None = None
    rss_kib: int | None = None
    procs: list[str] = field(default_factory=list)
    error: str | None = None

    def since_launch(self, mark: str) -> int | None:
        if self.launch is None or mark not in self.marks:
            return None
        return self.marks[mark] - self.launch


@dataclass
class App:
    key: str  # "ours" | "baseline"
    title: str
    binary: Path
    deb: Path | None
    marks: list[str]
    env: dict[str, str]


def screenshot(app_pid: int, dest: Path) -> None:
    """Grabs the app's Xvfb screen, using the DISPLAY/XAUTHORITY from the app's environment."""
    try:
        with open(f"/proc/{app_pid}/environ", "rb") as f:
            app_env = dict(
                kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv
            )
        env = dict(os.environ)
        for k in (b"DISPLAY", b"XAUTHORITY"):
            if k in app_env:
                env[k.decode()] = app_env[k].decode()
        convert_import = shutil.which("import")
        if convert_import:
            subprocess.run(
                [convert_import, "-window", "root", str(dest)],
                env=env, timeout=15, check=False,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
    except (OSError, subprocess.SubprocessError):
        pass


def one_run(app: App, index: int, args, logdir: Path) -> Run:
    run = Run(app.key, index)
    tag = uuid.uuid4().hex
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{app.key}-"))
    env = dict(os.environ)
    for d in ("data", "config", "cache", "runtime", "appdata"):
        (tmp / d).mkdir(mode=0o700)
    env.update(
        {
            TAG_VAR: tag,
            # Throwaway XDG dirs: fresh WebKit caches every run, the throwaway keyring lives here.
            "XDG_DATA_HOME": str(tmp / "data"),
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "XDG_CACHE_HOME": str(tmp / "cache"),
            "XDG_RUNTIME_DIR": str(tmp / "runtime"),
        }
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.pop("DISPLAY", None)
    for k, v in app.env.items():
        env[k] = v.replace("{tmp}", str(tmp / "appdata"))

    cmd = [
        "xvfb-run", "-a", "-s", XVFB_SCREEN,
        "dbus-run-session", "--",
        "sh", "-c", LAUNCHER, "bench-launch", str(app.binary),
    ]
    stdout_log = open(logdir / f"{app.key}-{index}.stdout.log", "w")
    stderr_log = open(logdir / f"{app.key}-{index}.stderr.log", "w")
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=stderr_log, start_new_session=True,
    )
    got = threading.Condition()
    app_pid: list[int] = []

    def reader():
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            stdout_log.write(line + "\n")
            stdout_log.flush()
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "bench-mark":
                with got:
                    try:
                        if parts[1] == "launch" and run.launch is None:
                            run.launch = int(parts[2])
                            if len(parts) >= 4:
                                app_pid.append(int(parts[3]))
                        elif parts[1] not in run.marks:
                            run.marks[parts[1]] = int(parts[2])
                    except ValueError:
                        pass
                    got.notify_all()

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    started = now_ms()
    pid = None
    try:
        with got:
            got.wait_for(lambda: run.launch is not None, timeout=args.start_timeout)
        if run.launch is None or not app_pid:
            run.error = "app was never launched (see stderr log)"
            return run
        pid = app_pid[0]
        t0 = run.launch
        # Idle memory, args.idle_secs after launch.
        while now_ms() < t0 + args.idle_secs * 1000:
            if not alive(pid):
                run.error = "app exited before the idle measurement"
                break
            time.sleep(0.2)
        if run.error is None:
            members = tree(pid)
            pss = rss = 0
            for p, comm in members:
                r = rollup_kib(p)
                if r:
                    pss += r[0]
                    rss += r[1]
                    run.procs.append(f"{proc_name(p, comm)}:{r[0] // 1024}")
            run.pss_kib, run.rss_kib = pss, rss
            if index == 1 and args.shots_dir:
                screenshot(pid, args.shots_dir / f"{app.key}.png")
        # Marks that have not come yet get until launch + mark_timeout.
        with got:
            got.wait_for(
                lambda: all(m in run.marks for m in app.marks) or not alive(pid),
                timeout=max(0.0, (t0 + args.mark_timeout * 1000 - now_ms()) / 1000),
            )
        return run
    finally:
        # Stop: SIGTERM the app, then kill its tree and everything else from this run.
        if pid is not None:
            members = [p for p, _ in tree(pid)]
            kill_all([pid], signal.SIGTERM)
            if not wait_gone([pid], 5):
                log(f"{app.key} #{index}: no exit 5 s after SIGTERM, killing the tree")
            kill_all([p for p in members if alive(p)], signal.SIGKILL)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
        leftovers = tagged_pids(tag)
        if leftovers:
            kill_all(leftovers, signal.SIGTERM)
            if not wait_gone(leftovers, 3):
                kill_all(leftovers, signal.SIGKILL)
        th.join(timeout=5)
        stdout_log.close()
        stderr_log.close()
        shutil.rmtree(tmp, ignore_errors=True)
        took = (now_ms() - started) / 1000
        log(
            f"{app.key} #{index}: paint={fmt_ms(run.since_launch('first_paint'))}"
            + (f" signed_in={fmt_ms(run.since_launch('signed_in'))}" if "signed_in" in app.marks else "")
            + f" pss={fmt_mib(run.pss_kib)} rss={fmt_mib(run.rss_kib)}"
            + (f" error={run.error}" if run.error else "")
            + f" ({took:.0f} s)"
        )


# -------------------------------------------------------------------------------------- report


def fmt_ms(v) -> str:
    return "n/a" if v is None else f"{v:.0f} ms"


def fmt_mib(kib) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.0f} MiB"


def median(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def size_mib(path: Path | None):
    if path is None or not path.is_file():
        return None
    return path.stat().st_size / (1024 * 1024)


def ratio(a, b) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


def machine() -> str:
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    distro = ""
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return (
        f"{distro or platform.system()}, kernel {platform.release()}, {os.cpu_count()} CPUs"
        + (f" ({cpu})" if cpu else "")
        + f", {mem_kib / 1024 / 1024:.1f} GiB RAM"
    )


def webkit_version() -> str:
    for cmd in (
        ["dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0"],
        ["pkg-config", "--modversion", "webkit2gtk-4.1"],
    ):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return "unknown"


def report(apps: dict[str, App], runs: dict[str, list[Run]], args, load: str) -> str:
    ours, base = apps.get("ours"), apps.get("baseline")
    r_ours, r_base = runs.get("ours", []), runs.get("baseline", [])

    def med(rs, fn):
        return median([fn(r) for r in rs])

    paint_o = med(r_ours, lambda r: r.since_launch("first_paint"))
    paint_b = med(r_base, lambda r: r.since_launch("first_paint"))
    signed_o = med(r_ours, lambda r: r.since_launch("signed_in"))
    pss_o = med(r_ours, lambda r: r.pss_kib)
    pss_b = med(r_base, lambda r: r.pss_kib)
    rss_o = med(r_ours, lambda r: r.rss_kib)
    rss_b = med(r_base, lambda r: r.rss_kib)
    bin_o = size_mib(ours.binary) if ours else None
    bin_b = size_mib(base.binary) if base else None
    deb_o = size_mib(ours.deb) if ours else None
    deb_b = size_mib(base.deb) if base else None

    def ms(v):
        return "n/a" if v is None else f"{v:.0f} ms"

    def mib(kib):
        return "n/a" if kib is None else f"{kib / 1024:.0f} MiB"

    def size(v):
        return "n/a" if v is None else f"{v:.1f} MiB"

    def n_ok(rs, fn):
        return sum(1 for r in rs if fn(r) is not None)

    lines = [
        f"Benchmark of {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}: "
        f"medians of {args.runs} runs per app (alternating), idle memory {args.idle_secs} s after launch.",
        "",
        "| | Partner Portal | empty Tauri app | ours / empty | goal |",
        "|---|---:|---:|---:|---|",
        f"| launch → first paint | {ms(paint_o)} | {ms(paint_b)} | {ratio(paint_o, paint_b)} | ≤ 1.3× |",
        f"| launch → signed in (sandbox) | {ms(signed_o)} | — | {ratio(signed_o, paint_b)}¹ | |",
        f"| idle memory, PSS of the process tree | {mib(pss_o)} | {mib(pss_b)} | {ratio(pss_o, pss_b)} | ≤ 1.3× |",
        f"| idle memory, RSS of the process tree | {mib(rss_o)} | {mib(rss_b)} | {ratio(rss_o, rss_b)} | |",
        f"| release binary | {size(bin_o)} | {size(bin_b)} | {ratio(bin_o, bin_b)} | |",
        f"| .deb | {size(deb_o)} | {size(deb_b)} | {ratio(deb_o, deb_b)} | < 10 MiB |",
        "",
        "¹ against the empty app's first paint.",
        "",
        f"Machine: {machine()}; WebKitGTK {webkit_version()}; load average at start {load}. "
        f"Each run under `xvfb-run` (1280×800×24) and `dbus-run-session`; memory is the sum over the "
        f"app and all its descendants (WebKitWebProcess, WebKitNetworkProcess, …) of "
        f"`/proc/<pid>/smaps_rollup`.",
    ]
    missing = []
    for key, rs in (("ours", r_ours), ("baseline", r_base)):
        if key in apps:
            n = n_ok(rs, lambda r: r.since_launch("first_paint"))
            if n < len(rs):
                missing.append(f"{apps[key].title}: first paint seen in {n}/{len(rs)} runs")
            if key == "ours":
                n = n_ok(rs, lambda r: r.since_launch("signed_in"))
                if n < len(rs):
                    missing.append(f"{apps[key].title}: signed in seen in {n}/{len(rs)} runs")
    if missing:
        lines += ["", "Missing marks (timeout " f"{args.mark_timeout} s): " + "; ".join(missing) + "."]

    lines += ["", "<details><summary>Every run</summary>", "",
              "| app | # | first paint | signed in | PSS | RSS | processes (PSS MiB) | error |",
              "|---|---:|---:|---:|---:|---:|---|---|"]
    for key, rs in (("ours", r_ours), ("baseline", r_base)):
        for r in rs:
            lines.append(
                f"| {key} | {r.index} | {ms(r.since_launch('first_paint'))} | "
                f"{ms(r.since_launch('signed_in')) if key == 'ours' else '—'} | "
                f"{mib(r.pss_kib)} | {mib(r.rss_kib)} | {' '.join(r.procs)} | {r.error or ''} |"
            )
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", choices=["both", "ours", "baseline"], default="both")
    ap.add_argument("--ours-bin", type=Path, required=True)
    ap.add_argument("--ours-deb", type=Path)
    ap.add_argument("--baseline-bin", type=Path, required=True)
    ap.add_argument("--baseline-deb", type=Path)
    ap.add_argument("--idle-secs", type=float, default=20)
    ap.add_argument("--mark-timeout", type=float, default=30,
                    help="seconds after launch after which a missing mark is reported n/a")
    ap.add_argument("--start-timeout", type=float, default=30,
                    help="seconds to wait for xvfb-run/dbus-run-session to exec the app")
    ap.add_argument("--out", type=Path, required=True, help="results directory")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    args.mark_timeout = max(args.mark_timeout, args.idle_secs)

    for tool in ("xvfb-run", "dbus-run-session", "xauth"):
        if not shutil.which(tool):
            log(f"missing {tool}: apt-get install -y xvfb xauth dbus")
            return 1

    all_apps = {
        "ours": App("ours", "Partner Portal", args.ours_bin, args.ours_deb, ["first_paint", "signed_in"], {
            "PARTNER_PORTAL_PROFILE": "bench",
            "PARTNER_PORTAL_DATA_DIR": "{tmp}",
            "PARTNER_PORTAL_AUTO_SIGN_IN": "1",
            # Start-up of the app, not the one-time seeding of the 100,000-domain sample data
            # (about 5 s on a first start): a fresh data directory gets a small data set.
            "PARTNER_PORTAL_SANDBOX_DOMAINS": "1000",
        }),
        "baseline": App("baseline", "empty Tauri app", args.baseline_bin, args.baseline_deb, ["first_paint"], {}),
    }
    keys = ["ours", "baseline"] if args.only == "both" else [args.only]
    apps = {}
    status = 0
    for k in keys:
        a = all_apps[k]
        if a.binary.is_file() and os.access(a.binary, os.X_OK):
            apps[k] = a
        else:
            log(f"{a.title}: no binary at {a.binary}; its column will read n/a")
            status = 2
    # Sizes are still reported for a side that was not run, if its files exist.
    table_apps = {k: all_apps[k] for k in keys}

    args.out.mkdir(parents=True, exist_ok=True)
    logdir = args.out / "logs"
    shutil.rmtree(logdir, ignore_errors=True)
    logdir.mkdir()
    args.shots_dir = args.out
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])

    runs: dict[str, list[Run]] = {k: [] for k in keys}
    order = [k for k in ("baseline", "ours") if k in apps]
    try:
        for i in range(1, args.runs + 1):
            for k in order:
                runs[k].append(one_run(apps[k], i, args, logdir))
    except KeyboardInterrupt:
        log("interrupted; reporting what was measured")
        status = 130

    text = report(table_apps, runs, args, load)
    (args.out / "latest.md").write_text(text)
    print(text)
    log(f"written to {args.out / 'latest.md'} (per-run logs and screenshots of run 1 in {args.out})")
    return status


if __name__ == "__main__":
    sys.exit(main())
