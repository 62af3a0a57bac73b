"""Check names and the CI formats on real boots: over a default and a full
run every check name is unique and none needed the check layer's
.<section> suffix; the TAP goes through Perl's TAP::Parser (prove) with one
test per check record; the JUnit has the structure CI systems read."""
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

FULL = "suite=pmu-check,full,ftrace,probes,sample"


@pytest.fixture(scope="module", params=["default", "full"])
def run(request, boot):
    r = boot() if request.param == "default" else boot(FULL)
    assert r.rc == 0, r.stderr
    return r


def test_check_names_unique_and_stable(run):
    checks = run.all("check")
    names = [c["name"] for c in checks]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for c in checks:
        # The runner's per-section check carries its section; no other name
        # ends in its own section: none needed the check layer's suffix
        # (probes.frame-write.ftrace, of section probes, names a probe path).
        if c["name"].startswith("owned.restore."):
            assert c["name"] == "owned.restore." + c["section"]
        else:
            assert not re.search(r"\.%s(\.[0-9]+)?$" % re.escape(c["section"]), c["name"]), c


def report(pmulab, run, fmt):
    proc = subprocess.run([str(pmulab), "report", str(run.dir), "--format", fmt],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.skipif(not shutil.which("prove"), reason="needs prove (Debian's perl)")
def test_tap_through_prove(pmulab, run, tmp_path):
    tap = tmp_path / "run.tap"
    tap.write_text(report(pmulab, run, "tap"))
    proc = subprocess.run(["prove", "-v", "-e", "cat", str(tap)], capture_output=True,
                          text=True)
    checks = run.all("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Tests={len(checks)}," in proc.stdout, proc.stdout
    assert "Parse errors" not in proc.stdout + proc.stderr
    points = [ln for ln in tap.read_text().splitlines() if re.match(r"(not )?ok ", ln)]
    want = [("ok" if c["result"] != "fail" else "not ok") + f" {i} - {c['name']}"
            + (f" # SKIP {c['reason']}" if c["result"] == "skip" else "")
            for i, c in enumerate(checks, 1)]
    assert points == want


def test_junit_structure(pmulab, run):
    root = ET.fromstring(report(pmulab, run, "junit"))
    checks = run.all("check")
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    sections = list(dict.fromkeys(c["section"] for c in checks))
    assert [s.get("name") for s in suites] == sections + ["run"]
    cases = [(s.get("name"), tc) for s in suites for tc in s.findall("testcase")]
    names = [tc.get("name") for _, tc in cases]
    assert len(names) == len(set(names))
    assert names == [c["name"] for c in checks] + ["end.status"]
    for (section, tc), c in zip(cases, checks):
        assert section == c["section"] and tc.get("classname") == "pmulab." + section
        skipped, failure = tc.find("skipped"), tc.find("failure")
        assert (skipped is not None) == (c["result"] == "skip")
        assert (failure is not None) == (c["result"] == "fail")
        if skipped is not None:
            assert skipped.get("message") == c["reason"]
    for s in suites:
        tcs = s.findall("testcase")
        assert int(s.get("tests")) == len(tcs)
        assert int(s.get("skipped")) == len([t for t in tcs if t.find("skipped") is not None])
        props = {p.get("name"): p.get("value") for p in s.find("properties")}
        assert props["hello.payload"] == run.first("hello")["payload"]
        assert props["cpu.vendor"] == "GenuineIntel"
    assert int(root.get("tests")) == len(checks) + 1
    assert root.find("testsuite[@name='run']/testcase").find("failure") is None
    bench_props = {p.get("name") for p in root.find("testsuite[@name='benches']/properties")}
    assert "counter.loop.instructions.icount" in bench_props
