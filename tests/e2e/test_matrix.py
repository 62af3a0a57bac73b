"""pmulab matrix: a small matrix of TCG configurations (two boots of the
pmu-check suite, a model this QEMU lacks) gives its table and one JUnit file
with a testsuite per configuration; tests/matrix/tcg.cfg covers Intel and
AMD models this QEMU knows; KVM configurations on a host without KVM are
unavailable, not failed; a bad file is refused line by line."""
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, records_in

MATRIX = ROOT / "tests" / "matrix"
# Two pmu-check boots, two at a time, on a busy machine.
SMALL_S = 600

SMALL = """\
# two boots and a model QEMU 7.2 does not have
[intel]
cpu = Skylake-Client
suite = pmu-check

[amd-nopmu]   # EPYC with the vPMU property off
cpu = EPYC
flags = pmu=off
suite = pmu-check
set = exit_wait=0

[future]
cpu = SapphireRapids
"""


def qemu_models():
    out = subprocess.run(["qemu-system-x86_64", "-cpu", "help"], capture_output=True,
                         text=True, check=True).stdout
    return {line.split()[1] for line in out.splitlines() if line.startswith("x86 ")}


def sections(path):
    """[name] -> {key: value} of a matrix file."""
    out, cur = {}, None
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            cur = out.setdefault(line.strip("[] "), {})
        elif "=" in line:
            k, v = (s.strip() for s in line.split("=", 1))
            cur[k] = v
    return out


def rows(stdout):
    """The table: configuration -> its row's words."""
    lines = stdout.splitlines()
    assert lines[0].split()[:4] == ["configuration", "accel", "cpu", "result"]
    return {ln.split()[0]: ln for ln in lines[1:] if not ln.startswith(("junit ", "runs "))}


@pytest.fixture(scope="module")
def small(pmulab, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    cfg = tmp / "small.cfg"
    cfg.write_text(SMALL)
    out = tmp / "runs"
    proc = subprocess.run([str(pmulab), "matrix", str(cfg), "--out", str(out)],
                          capture_output=True, text=True, timeout=SMALL_S)
    return proc, out


def test_small_matrix_table(small):
    proc, out = small
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = rows(proc.stdout)
    assert list(table) == ["intel", "amd-nopmu", "future"]
    for name, cpu in (("intel", "Skylake-Client"), ("amd-nopmu", "EPYC,pmu=off")):
        words = table[name].split()
        assert words[1:4] == ["tcg", cpu, "ok"], table[name]
        checks = [r["fields"] for r in records_in((out / name / "records.txt").read_bytes())
                  if r["type"] == "check"]
        assert words[4:8] == [str(len(checks)),
                              *(str(sum(c["result"] == res for c in checks))
                                for res in ("pass", "fail", "skip"))]
    assert "not in this QEMU" in table["future"]
    assert "-cpu help does not list SapphireRapids" in table["future"]
    assert not (out / "future").exists()
    # The vendor and the flags reached QEMU.
    cpu = [r["fields"] for r in records_in((out / "amd-nopmu" / "records.txt").read_bytes())
           if r["type"] == "cpu"][0]
    assert cpu["vendor"] == "AuthenticAMD"
    assert "-cpu EPYC,pmu=off" in (out / "amd-nopmu" / "cmdline.txt").read_text()


def test_small_matrix_junit(small):
    proc, out = small
    root = ET.parse(out / "junit.xml").getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["intel", "amd-nopmu", "future"]
    for s in suites[:2]:
        checks = [r["fields"] for r in records_in((out / s.get("name") / "records.txt")
                                                  .read_bytes()) if r["type"] == "check"]
        cases = s.findall("testcase")
        assert [c.get("name") for c in cases] == [c["name"] for c in checks] + ["end.status"]
        assert all(c.get("classname").startswith(f"pmulab.{s.get('name')}.")
                   for c in cases[:-1])
        assert int(s.get("tests")) == len(cases)
        assert int(s.get("skipped")) == sum(c["result"] == "skip" for c in checks)
        assert int(s.get("failures")) == 0
        props = {p.get("name"): p.get("value") for p in s.find("properties")}
        assert props["mode"].startswith("tcg cpu=")
    future = suites[2].findall("testcase")
    assert len(future) == 1 and future[0].find("skipped").get("message").startswith(
        "not in this QEMU")


def test_tcg_cfg_covers_intel_and_amd_models():
    cfg = sections(MATRIX / "tcg.cfg")
    known = qemu_models()
    models = {c["cpu"] for c in cfg.values()}
    assert len(models & known) >= 8
    assert {"Skylake-Client", "Icelake-Server", "Nehalem"} <= models & known
    assert {"EPYC", "EPYC-Rome", "Opteron_G5"} <= models & known
    assert any(c.get("flags") == "pmu=off" for c in cfg.values())


def test_kvm_cfg_is_unavailable_without_kvm(pmulab, tmp_path):
    if re.search(r"\b(vmx|svm)\b", Path("/proc/cpuinfo").read_text()):
        pytest.skip("a host with VMX or SVM: kvm.cfg would boot its guests")
    cfg = sections(MATRIX / "kvm.cfg")
    assert {c["accel"] for c in cfg.values()} == {"kvm"}
    assert {"pmu=off", "lbr-fmt=0x5"} <= {c.get("flags") for c in cfg.values()}
    assert {"EPYC-Rome", "Skylake-Client", "host"} <= {c["cpu"] for c in cfg.values()}
    proc = subprocess.run([str(pmulab), "matrix", str(MATRIX / "kvm.cfg"), "--out",
                           str(tmp_path / "kvm")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    table = rows(proc.stdout)
    assert list(table) == list(cfg)
    assert all(" unavailable " in row for row in table.values())
    root = ET.parse(tmp_path / "kvm" / "junit.xml").getroot()
    assert [s.get("name") for s in root.findall("testsuite")] == list(cfg)
    assert all(s.find("testcase/skipped") is not None for s in root.findall("testsuite"))


def test_bad_matrix_file(pmulab, tmp_path):
    cfg = tmp_path / "bad.cfg"
    cfg.write_text("cpu = EPYC\n[ok]\naccel = xen\ncolour = blue\n[ok]\n[t]\ncpu = host\n")
    proc = subprocess.run([str(pmulab), "matrix", str(cfg), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    err = proc.stderr
    assert f"{cfg}:1: a key before the first [name]: cpu" in err
    assert f"{cfg}:3: accel is tcg or kvm: accel" in err
    assert f"{cfg}:4: unknown key" in err
    assert f"{cfg}:5: a second configuration of this name: ok" in err
    assert f"{cfg}:6: cpu host needs accel = kvm: t" in err
    assert not (tmp_path / "o").exists()
