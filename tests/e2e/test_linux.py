"""pmulab linux and pmulab compare (docs/crosscheck.md): the payload's quick
suite under TCG icount against the same kernels run by `pmulab linux` under
valgrind -- every nasm kernel's instruction count must agree exactly; a
perturbed copy must make compare fail and name the row; the uprobe
cross-check as root."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, records_in

# The quick suite's kernels (tests/e2e/test_microbench.py QUICK): "overhead"
# measures the method itself and is never compared.
KERNELS = (["loop", "nop8", "add-dep", "add-indep"]
           + [f"chase-{s}" for s in ("4KiB", "8KiB", "16KiB", "32KiB", "64KiB", "128KiB",
                                     "256KiB", "512KiB", "1MiB", "2MiB", "4MiB", "8MiB",
                                     "16MiB")]
           + ["stream-64-1MiB", "stream-4160-1MiB", "branch-always", "branch-alternate",
              "branch-period-4", "branch-period-8", "branch-period-16", "branch-period-32",
              "branch-random", "calls-1", "calls-4", "calls-16"])


def run(cmd, timeout=600):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "LC_ALL": "C"})


def records(path):
    return records_in(path.read_bytes())


@pytest.fixture(scope="module")
def payload(boot):
    r = boot("suite=quick")
    assert r.rc == 0, r.stderr
    return r.dir


@pytest.fixture(scope="module")
def linux(linux_run):
    r = linux_run("--valgrind")
    assert r.rc == 0, r.stderr
    return r.dir


def test_linux_run_is_a_stream(linux):
    recs = records(linux / "records.txt")
    assert recs[0]["type"] == "hello" and recs[0]["fields"]["boot"] == "linux"
    assert recs[-1]["type"] == "end" and recs[-1]["fields"]["status"] == "ok"
    assert [r["seq"] for r in recs] == list(range(len(recs)))
    info = [r["fields"] for r in recs if r["type"] == "linux"][0]
    assert info["measure"] == "valgrind"
    benches = [r["fields"] for r in recs if r["type"] == "bench"]
    assert [b["name"] for b in benches] == ["overhead"] + KERNELS
    vg = [r["fields"] for r in recs if r["type"] == "valgrind"][0]
    assert vg["I1"] == "32768,8,64" and vg["LL"] == "8388608,16,64"
    # One callgrind process, and each kernel under cachegrind at n1 and n2:
    # exact, so the count docs/crosscheck.md quotes from make bench's file
    # (scripts/docs.sh's BENCH_FILE) is this run's.
    assert vg["processes"] == str(1 + 2 * len(KERNELS))
    bench_file = re.search(r"^BENCH_FILE=(\S+)$", (ROOT / "scripts" / "docs.sh").read_text(),
                           re.M).group(1)
    assert f" processes {vg['processes']};" in (ROOT / bench_file).read_text()
    print(f"valgrind: callgrind {vg['callgrind_s']} s, cachegrind {vg['cachegrind_s']} s, "
          f"{vg['processes']} processes")


def test_linux_counts_are_the_formulas(linux):
    """callgrind and cachegrind each count the kernels' own instructions: n2 - n1
    iterations times the per-iteration count of the .asm."""
    recs = records(linux / "records.txt")
    benches = {r["fields"]["name"]: r["fields"] for r in recs if r["type"] == "bench"}
    for name in KERNELS:
        b = benches[name]
        want = int(b["iters"]) * int(b["insns"])
        got = {c["fields"]["src"]: c["fields"] for c in recs
               if c["type"] == "counter" and c["fields"]["bench"] == name
               and c["fields"]["event"] == "instructions"}
        assert got["valgrind"]["value"] == str(want), name
        assert got["valgrind"]["min"] == got["valgrind"]["max"], name
        assert got["model"]["value"] == str(want), name
        # Conditional branches: every kernel's loop has one a iteration,
        # branch has two (the one under test and the loop's).
        cond = [c["fields"] for c in recs if c["type"] == "counter"
                and c["fields"]["bench"] == name
                and c["fields"]["event"] == "branches-conditional"][0]
        per = 2 if b["family"] == "branch" else 1
        assert cond["value"] == str(int(b["iters"]) * per), name


def test_no_pmu_is_said_once(pmulab, tmp_path):
    """Without --valgrind the runner tries perf; on a machine without a PMU it
    says so once on stderr and in the linux record, then uses valgrind."""
    proc = run([pmulab, "linux", "--suite", "none", "--benches", "loop", "--out",
                tmp_path / "r", "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    info = [r["fields"] for r in records(tmp_path / "r" / "records.txt")
            if r["type"] == "linux"][0]
    if info["perf"] == "ok":
        pytest.skip("this machine has a PMU: perf counted")
    assert info["perf"] == "unavailable" and info["perf_errno"] in (
        "ENOENT", "EOPNOTSUPP", "EACCES", "EPERM", "ENODEV")
    assert info["measure"] == "valgrind"
    assert proc.stderr.count("perf_event_open") == 1


def test_payload_and_linux_instructions_agree_exactly(pmulab, payload, linux):
    proc = run([pmulab, "compare", payload, linux, "--format", "json"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads(proc.stdout)
    rows = {(r["bench"], r["event"]): r for r in res["rows"]}
    for name in KERNELS:
        r = rows[(name, "instructions")]
        assert (r["src_a"], r["src_b"], r["verdict"]) == ("icount", "valgrind", "match"), r
        assert r["a"] == r["b"]
    assert rows[("overhead", "instructions")]["verdict"] == "n/a"
    assert res["counts"]["differ"] == 0
    assert res["counts"]["match"] >= len(KERNELS)
    print(f"{len(KERNELS)} kernels' instructions matched exactly")


def rewrite(line, old, new):
    """A record line with one field changed and its CRC made right again."""
    body = line[: line.rindex(" *")].replace(old, new)
    return f"{body} *{zlib.crc32(body.encode()):08x}"


def test_perturbed_value_fails_and_names_the_row(pmulab, payload, linux, tmp_path):
    copy = tmp_path / "perturbed"
    shutil.copytree(linux, copy, ignore=shutil.ignore_patterns("valgrind"))
    lines = (copy / "records.txt").read_text().splitlines()
    hit = [i for i, l in enumerate(lines)
           if re.search(r" counter bench=calls-4 event=instructions src=valgrind value=", l)]
    assert len(hit) == 1
    lines[hit[0]] = rewrite(lines[hit[0]], "value=100000", "value=100001")
    (copy / "records.txt").write_text("\n".join(lines) + "\n")
    proc = run([pmulab, "compare", payload, copy])
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "DIFFER: calls-4 instructions: A 100000 (icount), B 100001 (valgrind)" in proc.stderr
    differ = [l for l in proc.stdout.splitlines() if l.rstrip().endswith("sources must be equal)")]
    assert len(differ) == 1 and differ[0].startswith("calls-4 ")
    # The other formats say the same.
    proc = run([pmulab, "compare", payload, copy, "--format", "csv"])
    assert proc.returncode == 4
    assert any(l.startswith("calls-4,instructions,100000,icount,100001,valgrind,1,")
               and ",DIFFER," in l for l in proc.stdout.splitlines())
    proc = run([pmulab, "compare", payload, copy, "--format", "html"])
    assert proc.returncode == 4 and proc.stdout.startswith("<!DOCTYPE html>")


def test_compare_bad_input(pmulab, payload, tmp_path):
    proc = run([pmulab, "compare", payload])
    assert proc.returncode == 2 and "needs two runs" in proc.stderr
    proc = run([pmulab, "compare", payload, tmp_path / "missing"])
    assert proc.returncode == 1 and "missing" in proc.stderr
    bad = tmp_path / "tol.txt"
    bad.write_text("instructions hw 0.1%\n")
    proc = run([pmulab, "compare", payload, payload, "--tolerance", bad])
    assert proc.returncode == 1 and "line 1: expected EVENT" in proc.stderr
    proc = run([pmulab, "compare", payload, payload, "--format", "xml"])
    assert proc.returncode == 2 and "--format 'xml'" in proc.stderr
    # A run against itself agrees.
    proc = run([pmulab, "compare", payload, payload])
    assert proc.returncode == 0, proc.stderr


def test_linux_bad_options(pmulab, tmp_path):
    for args, msg in ((["--events", "cycles,bogus"], "unknown event 'bogus'"),
                      (["--benches", "chase:3KiB"], "size-not-power-of-2"),
                      (["--suite", "huge"], "--suite 'huge'"),
                      (["--reps", "0"], "--reps 0"),
                      (["--suite", "none"], "nothing to run")):
        proc = run([pmulab, "linux", "--out", tmp_path / "x", *args])
        assert proc.returncode == 2 and msg in proc.stderr, (args, proc.stderr)


@pytest.mark.skipif(os.geteuid() != 0, reason="uprobes need root (tracefs uprobe_events)")
def test_uprobe_counts_every_call(pmulab, tmp_path):
    out = tmp_path / "p"
    proc = run([pmulab, "linux", "--suite", "none", "--probes", "--calls", "2000",
                "--out", out, "--format", "json"])
    if "needs tracefs" in proc.stderr:
        pytest.skip("no tracefs with uprobe events here")
    assert proc.returncode == 0, proc.stderr
    probe = [r["fields"] for r in records(out / "records.txt") if r["type"] == "probe"][0]
    assert probe["target"] == "tr_leaf+0x0" and probe["kind"] == "uprobe"
    assert probe["src"] == "uprobe"
    # Three timed passes of 2000 calls: every call a hit, exactly.
    assert probe["hits"] == probe["calls"] == "6000"
    assert float(probe["ratio"]) > 1
    assert float(probe["ns_per_hit"]) > float(probe["base_ns_per_call"])
    print(f"uprobe: {probe['ns_per_hit']} ns a hit, {probe['base_ns_per_call']} ns a call")
    # The probe and its tracefs instance are gone.
    tracefs = "/sys/kernel/tracing"
    with open(f"{tracefs}/uprobe_events") as f:
        assert "pmulab/tr_leaf_" not in f.read()
    assert not [d for d in os.listdir(f"{tracefs}/instances") if d.startswith("pmulab-")]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to drop to an ordinary user (setpriv)")
def test_uprobe_without_root_says_what_it_needs(pmulab):
    # pytest's own directories are root's alone: one the user can write to.
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o777)
        out = Path(d) / "p"
        proc = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", pmulab,
                    "linux", "--suite", "none", "--probes", "--out", out])
        assert proc.returncode == 1, proc.stderr
        assert "--probes: needs root" in proc.stderr
        recs = records(out / "records.txt")
        err = [r["fields"] for r in recs if r["type"] == "error"][0]
        assert err["kind"] == "uprobe" and err["reason"] == "needs-root"
        assert recs[-1]["fields"]["status"] == "error"


def test_perf_path_with_software_events(pmulab, tmp_path):
    """The kernel's software events need no PMU, so the perf path itself --
    groups of 4, read_format GROUP with the times, the per-measurement times,
    the records -- runs here too."""
    out = tmp_path / "sw"
    events = "task-clock,page-faults,context-switches,task-clock,page-faults"
    proc = run([pmulab, "linux", "--suite", "none", "--benches", "loop,chase:64KiB",
                "--events", events, "--out", out, "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    recs = records(out / "records.txt")
    info = [r["fields"] for r in recs if r["type"] == "linux"][0]
    assert info["perf"] == "ok" and info["measure"] == "perf"
    for b in (r["fields"] for r in recs if r["type"] == "bench"):
        assert b["groups"] == "2"
        ctrs = [r["fields"] for r in recs if r["type"] == "counter"
                and r["fields"]["bench"] == b["name"]]
        assert [c["event"] for c in ctrs] == events.split(",")
        assert [c["group"] for c in ctrs] == ["0", "0", "0", "0", "1"]
        for c in ctrs:
            assert c["src"] == "perf" and c["time_unit"] == "ns" and c["runs"] == "3"
            # Software events are never multiplexed: counted all the time.
            assert c["enabled"] == c["running"] and int(c["running"]) > 0
            assert c["scaled"] == c["total"]
        task = int(ctrs[0]["value"])
        assert task > 0
        # The working set was touched before measuring: no page fault counted.
        assert ctrs[1]["value"] == "0"


def test_crosscheck_refuses_without_a_pmu(pmulab):
    """make crosscheck's script: with no PMU for perf it says so and stops."""
    stat = run(["perf", "stat", "-x,", "-e", "instructions:u", "true"]) \
        if shutil.which("perf") else None
    if stat and re.match(r"^\d+,", stat.stderr.strip()):
        pytest.skip("this machine has a PMU: make crosscheck would run")
    root = Path(__file__).resolve().parents[2]
    proc = run([root / "scripts" / "crosscheck.sh", pmulab])
    assert proc.returncode == 1
    assert "crosscheck: no PMU" in proc.stderr or "fails here" in proc.stderr
