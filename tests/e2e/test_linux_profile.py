"""pmulab linux --profile (docs/profiles.md): the payload's
sampling workload (microbench/sampled.c, linked into the host tool) under
`perf record`, folded like the payload's samples. This machine has no PMU,
so perf samples on the software cpu-clock, Linux's analogue of the payload's
LAPIC timer. Then pmulab compare against a TCG suite=sample payload run: the
hot share on both sides, within the `share profile` tolerance."""
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, records_in

HOT_SHARE_MIN = 0.85    # check sample.hot-share's floor (tests/e2e/test_sample.py)
SVG = "{http://www.w3.org/2000/svg}"

pytestmark = pytest.mark.skipif(shutil.which("perf") is None,
                                reason="perf is not installed (scripts/deps.sh)")


def run(cmd, timeout=300, env=None):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "LC_ALL": "C", **(env or {})})


def fields(path, rtype):
    return [r["fields"] for r in records_in(path.read_bytes()) if r["type"] == rtype]


def tolerance():
    """The `share profile` line of host/compare/tolerances.txt, in points."""
    text = (ROOT / "host" / "compare" / "tolerances.txt").read_text()
    m = re.search(r"^share\s+profile\s+([0-9.]+)%", text, re.M)
    assert m, "no share profile line in host/compare/tolerances.txt"
    return float(m.group(1))


@pytest.fixture(scope="module")
def linux(linux_run):
    r = linux_run("--profile")
    assert r.rc == 0, r.stderr
    return r.dir, r


@pytest.fixture(scope="module")
def payload(boot):
    r = boot("suite=sample")
    assert r.rc == 0, r.stderr
    return r.dir


def folded(out):
    stacks = {}
    for line in (out / "profile.folded").read_text().splitlines():
        key, n = line.rsplit(" ", 1)
        stacks[key] = int(n)
    return stacks


def test_records_and_samples(linux):
    out, proc = linux
    recs = records_in((out / "records.txt").read_bytes())
    assert recs[0]["type"] == "hello" and recs[0]["fields"]["boot"] == "linux"
    assert recs[-1]["type"] == "end" and recs[-1]["fields"]["status"] == "ok"
    lx = fields(out / "records.txt", "linux")[0]
    head = fields(out / "records.txt", "sampling")[0]
    assert head["run"] == "sampled" and head["random"] == "0" and head["stack_src"] == "dwarf"
    if lx["perf"] == "unavailable":      # this machine: no PMU
        assert head["src"] == "perf-cpu-clock" and head["event"] == "cpu-clock:u"
        assert head["period"] == "250000" and head["unit"] == "ns"
        assert "analogue of the payload's LAPIC timer" in head["note"]
    else:
        assert head["src"] == "perf-cycles" and head["event"] == "cycles:u"
    stacks = folded(out)
    total = sum(stacks.values())
    assert int(head["samples"]) == total >= 1000
    # perf record's own count, and nothing it wrote is missing from the fold.
    assert int(head["recorded"]) == total and head["lost"] == "0"
    assert "perf.script" in proc.stderr and (out / "perf.data").stat().st_size > 0


def test_hot_share_and_stacks(linux):
    out, _ = linux
    stacks = folded(out)
    total = sum(stacks.values())
    hot = sum(n for k, n in stacks.items() if k.split(";")[-1] == "hot")
    assert hot / total >= HOT_SHARE_MIN
    # The caller of the frameless leaves is there (DWARF unwinding), and
    # inlined steps() is no frame: hot is the sampled function.
    assert all(";sampled_run;work;hot" in k for k in stacks if k.endswith(";hot"))
    assert any(k.endswith("lxp_child;sampled_run;work;hot") for k in stacks)
    assert not any("steps" in k.split(";") for k in stacks)


def test_flamegraph_renders_linux_run(pmulab, linux):
    out, _ = linux
    total = sum(folded(out).values())
    r = run([pmulab, "flamegraph", out])
    assert r.returncode == 0, r.stderr
    root = ET.parse(out / "flamegraph.svg").getroot()
    assert int(root.get("data-samples")) == total
    names = {g.get("data-name"): int(g.get("data-samples"))
             for g in root.iter(SVG + "g") if g.get("class") == "f"}
    assert names["hot"] / total >= HOT_SHARE_MIN and "work" in names


def test_report_sorts_linux_run_by_symbol(pmulab, linux):
    """report --sort symbol reads the samples a Linux run keeps beside its
    records (profile.folded), as it reads a payload run's sample records."""
    out, _ = linux
    counts = folded(out)
    total = sum(counts.values())
    hot = sum(n for stack, n in counts.items() if stack.split(";")[-1] == "hot")
    r = run([pmulab, "report", out, "--sort", "symbol"])
    assert r.returncode == 0, r.stderr
    assert f"# Samples: {total} of run 'sampled'" in r.stdout
    rows = [l.split() for l in r.stdout.splitlines() if l and not l.startswith("#")]
    assert rows[0][1:] == [str(hot), "hot"]


def test_compare_with_payload(pmulab, linux, payload):
    out, _ = linux
    r = run([pmulab, "compare", payload, out])
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"^hot\s+([0-9.]+)%\s+([0-9.]+)%\s+([-+][0-9.]+)\s+within$", r.stdout, re.M)
    assert m, r.stdout
    a, b = float(m.group(1)), float(m.group(2))
    assert a >= 100 * HOT_SHARE_MIN and b >= 100 * HOT_SHARE_MIN
    assert abs(b - a) <= tolerance()
    assert "\nprofiles (docs/profiles.md):\n" in r.stdout
    assert re.search(r"^\s+[0-9.]+%\s+\d+\s+[0-9.]+%\s+\d+  hot$", r.stdout, re.M)


def test_share_beyond_tolerance_differs(pmulab, linux, payload, tmp_path):
    """A tolerance tighter than the two hot shares' distance makes compare
    fail (exit 4) and name the function."""
    out, _ = linux
    r = run([pmulab, "compare", payload, out])
    m = re.search(r"^hot\s+[0-9.]+%\s+[0-9.]+%\s+([-+][0-9.]+)", r.stdout, re.M)
    tight = abs(float(m.group(1))) / 2
    tol = tmp_path / "tol.txt"
    tol.write_text(f"share profile {tight:.4f}% tight\n")
    r = run([pmulab, "compare", payload, out, "--tolerance", tol])
    assert r.returncode == 4, r.stdout + r.stderr
    assert "DIFFER: profile share of hot" in r.stderr


def test_refusals_keep_records(pmulab, tmp_path):
    # No perf on PATH: says what to install, exit 1, records kept.
    out = tmp_path / "noperf"
    r = run([pmulab, "linux", "--profile", "--out", out], env={"PATH": str(tmp_path)})
    assert r.returncode == 1 and "apt-get install linux-perf" in r.stderr
    err = fields(out / "records.txt", "error")[0]
    assert err["kind"] == "profile" and err["reason"] == "no-perf"
    assert fields(out / "records.txt", "end")[0]["status"] == "error"
    # LBR call graphs need a PMU with LBR: refused clearly here.
    out = tmp_path / "lbr"
    r = run([pmulab, "linux", "--profile", "--call-graph", "lbr", "--out", out])
    lx = fields(out / "records.txt", "linux")[0]
    if lx["perf"] == "unavailable":
        assert r.returncode == 1 and "lbr needs a hardware PMU" in r.stderr
        assert fields(out / "records.txt", "error")[0]["reason"] == "call-graph-unsupported"
    # Bad option values are usage errors.
    r = run([pmulab, "linux", "--profile", "--call-graph", "stack"])
    assert r.returncode == 2 and "--call-graph 'stack'" in r.stderr
    r = run([pmulab, "linux", "--event", "cycles"])
    assert r.returncode == 2 and "options of --profile" in r.stderr
