"""End-to-end helpers: boot the payload with build/pmulab under QEMU TCG and
read what came back. Records are re-checked here independently of the C
parser (zlib's CRC-32, the grammar of docs/record-format.md)."""
import fcntl
import hashlib
import json
import os
import re
import subprocess
import time
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PMULAB = ROOT / "build" / "pmulab"
RECORD = re.compile(rb"^@PL1 (0|[1-9][0-9]*) ([a-z0-9_]+)((?: [A-Za-z0-9_.-]+=[\x21-\x7e]*)*) \*([0-9a-f]{8})$")


def decode(value):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def parse_line(line):
    """A record line (bytes, no line end) -> dict, after checking grammar and CRC."""
    m = RECORD.match(line)
    assert m, f"malformed record: {line!r}"
    body = line[: line.rindex(b" *")]
    assert zlib.crc32(body) == int(m.group(4), 16), f"bad CRC: {line!r}"
    fields = dict(f.split("=", 1) for f in m.group(3).decode().split())
    return {"seq": int(m.group(1)), "type": m.group(2).decode(),
            "fields": {k: decode(v) for k, v in fields.items()}}


def records_in(data):
    """Every record in a raw stream (serial log, results file), in order."""
    out = []
    for line in data.split(b"\n"):
        line = line.rstrip(b"\r")
        i = line.find(b"@PL1 ")
        if i >= 0:
            out.append(parse_line(line[i:]))
    return out


class Run:
    """What one host-tool run left: its exit code, output and records (a
    boot's serial log, a Linux run's records file)."""

    def __init__(self, out, rc, stdout, stderr, report):
        self.dir = out
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.report = json.loads(stdout) if report and stdout.strip() else None
        serial, merged = out / "serial.log", out / "records.txt"
        source = serial if serial.exists() else merged
        self.records = records_in(source.read_bytes()) if source.exists() else []

    def first(self, rtype, **match):
        for r in self.records:
            if r["type"] == rtype and all(r["fields"].get(k) == v for k, v in match.items()):
                return r["fields"]
        raise AssertionError(f"no {rtype} record matching {match} in {self.dir}")

    def all(self, rtype):
        return [r["fields"] for r in self.records if r["type"] == rtype]


@pytest.fixture(scope="session", autouse=True)
def run_history(tmp_path_factory):
    """run, import and linux add their runs to a run history (docs/db.md):
    the session's own, not the checkout's runs/pmulab.db. A test that
    reads it sets PMULAB_DB to one of its own."""
    os.environ["PMULAB_DB"] = str(tmp_path_factory.mktemp("history") / "pmulab.db")


@pytest.fixture(scope="session")
def pmulab():
    assert PMULAB.exists(), "build/pmulab is missing: run 'make' first"
    return PMULAB


# pmulab run kills QEMU after its --timeout, RUN_TIMEOUT_S by default; a run
# still going STUCK_S after that is stuck and fails rather than hang the
# suite. pmulab linux --valgrind runs the quick suite's kernels under
# callgrind and cachegrind: minutes on a busy machine, LINUX_S at most.
RUN_TIMEOUT_S = 120
STUCK_S = 300
LINUX_S = 900


def share_dir(tmp_path_factory):
    """The folder where runs are shared: the session's own, or under
    pytest-xdist the parent all workers' folders have in common."""
    base = tmp_path_factory.getbasetemp()
    d = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-runs"
    d.mkdir(exist_ok=True)
    return d


def run_into(pmulab, args, out, wait):
    proc = subprocess.run([str(pmulab), *args, "--out", str(out)], capture_output=True,
                          text=True, timeout=wait, env={**os.environ, "LC_ALL": "C"})
    return {"rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}


@pytest.fixture(scope="session")
def shared_run(pmulab, tmp_path_factory):
    """shared_run(args, wait, report, fresh): `pmulab *args --out DIR` once
    per distinct args in the whole session, given wait seconds. A boot is
    most of the suite's time, so every test asking for the same run reads
    the same directory (a test never changes what a run wrote), in every
    pytest-xdist worker: the first to ask runs it under a file lock, the
    others wait for the lock and read what it left. fresh=True is a run of
    the test's own, for a test that compares two runs."""
    done = {}
    shared = share_dir(tmp_path_factory)

    def get(args, wait, report=True, fresh=False):
        args = tuple(str(a) for a in args)
        if not fresh and args in done:
            return done[args]
        # The arguments name the directory, within a file name's 255 bytes
        # and with no comma (QEMU's option syntax would need it doubled);
        # a hash of them keeps two long argument lists apart.
        name = re.sub(r"[^A-Za-z0-9=.-]+", "_", " ".join(args).replace("--", ""))[:180]
        name += "-" + hashlib.sha1("\0".join(args).encode()).hexdigest()[:10]
        if fresh:
            out = tmp_path_factory.mktemp(name) / "run"
            return Run(out, report=report, **run_into(pmulab, args, out, wait))
        d = shared / name
        with open(shared / (name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            meta = shared / (name + ".json")
            if not meta.exists():
                d.mkdir(exist_ok=True)
                meta.write_text(json.dumps(run_into(pmulab, args, d / "run", wait)))
            result = Run(d / "run", report=report, **json.loads(meta.read_text()))
        done[args] = result
        return result

    return get


@pytest.fixture(scope="session")
def boot(shared_run):
    """boot(*settings, cpu=, icount=, explain=, reference=, kvm=, timeout=,
    lesson=, fresh=): a `pmulab run` with each "key=value" setting as a
    --set (in the order given: config errors are reported by line), or with
    lesson=N a `pmulab lesson N`, as a Run. reference=None is what users
    get (the reference model under TCG when the plugin is built), True
    --reference, False --no-reference. The same arguments give the same
    boot, shared by every test and module that asks (see shared_run)."""

    def run(*settings, cpu="Skylake-Client", icount=5, explain=False, reference=None,
            kvm=False, timeout=RUN_TIMEOUT_S, lesson=None, fresh=False):
        args = ["lesson", lesson] if lesson is not None else ["run", "--format", "json"]
        args += ["--kvm"] if kvm else ["--tcg", "--cpu", cpu, "--icount", icount]
        if explain:
            args.append("--explain")
        if reference is not None:
            args.append("--reference" if reference else "--no-reference")
        args += ["--timeout", timeout]
        for s in settings:
            args += ["--set", s]
        # A lesson's stdout is its transcript; a run's is the json report.
        return shared_run(args, timeout + STUCK_S, report=lesson is None, fresh=fresh)

    return run


# A setting refused before the boot costs one parse of config.txt: far under
# this even on a busy machine, where a boot takes tens of seconds.
REFUSE_S = 1.0


@pytest.fixture
def refused(pmulab, tmp_path):
    """refused(*settings): a `pmulab run` with those --set lines, which must
    exit 2 at once without starting QEMU (its --qemu would leave a mark);
    the CompletedProcess."""

    def run(*settings):
        mark = tmp_path / "qemu-started"
        qemu = tmp_path / "qemu"
        qemu.write_text(f"#!/bin/sh\ntouch {mark}\n")
        qemu.chmod(0o755)
        args = [str(pmulab), "run", "--tcg", "--qemu", str(qemu), "--out", str(tmp_path / "run")]
        for s in settings:
            args += ["--set", s]
        t0 = time.monotonic()
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
        took = time.monotonic() - t0
        assert proc.returncode == 2, proc.stderr
        assert took < REFUSE_S and not mark.exists(), (took, proc.stderr)
        assert "nothing booted" in proc.stderr
        return proc

    return run


@pytest.fixture(scope="session")
def linux_run(shared_run):
    """linux_run(*args): a `pmulab linux *args`, shared as boots are."""

    def run(*args):
        return shared_run(["linux", *args, "--format", "json"], LINUX_S)

    return run
