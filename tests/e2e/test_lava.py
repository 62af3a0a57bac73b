"""LAVA (lava/, docs/lava.md): the QEMU job run by lava-run gives one test
case per check record, name for name and result for result, and one for
the end status; the board jobs pass lava-run --validate with the sample
device dictionaries; pmulab import --lava turns a job log back into a run
directory. lava-run needs root and lava-dispatcher (scripts/deps.sh lava);
make lava runs this module."""
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import ROOT, records_in

LAVA = ROOT / "lava"
BUILD = ROOT / "build"
# The QEMU job boots in seconds; deploy, boot and the monitor each have
# minutes in the job, this covers them all.
LAVA_RUN_S = 900

needs_lava = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("lava-run"),
    reason="lava-run needs root and lava-dispatcher (scripts/deps.sh lava)")


def lava_id(name):
    """A test case id as LAVA stores it: lower case, every run of
    non-word characters one '_'."""
    return re.sub(r"[^a-z0-9_]+", "_", name.lower())


def render(*args):
    proc = subprocess.run(["/usr/bin/python3", str(LAVA / "render.py"), *map(str, args)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def stock():
    proc = subprocess.run([str(ROOT / "scripts" / "lava-templates.sh"), str(BUILD / "lava")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def lava_run(tmp_path, device, job, validate=False):
    """lava-run on the rendered device and job: its exit code and the
    JSON-lines log it writes on stderr. Job ids are per test process, so
    parallel runs do not share a dispatcher folder."""
    dev, jobf, log = tmp_path / "device.yaml", tmp_path / "job.yaml", tmp_path / "lava.log"
    dev.write_text(device)
    jobf.write_text(job)
    with open(log, "w") as err:
        proc = subprocess.run(["lava-run", "--job-id", str(os.getpid()), "--output-dir",
                               str(tmp_path / "out"), "--device", str(dev), str(jobf)]
                              + (["--validate"] if validate else []),
                              stdout=subprocess.DEVNULL, stderr=err, timeout=LAVA_RUN_S)
    return proc.returncode, log


def results(log):
    out = []
    for line in log.read_text().splitlines():
        if '"lvl": "results"' not in line:
            continue
        # JSON, but for YAML's non-specific tag LAVA writes before some
        # values ("size": ! "540672"): YAML reads it.
        entry = yaml.safe_load(line)
        if entry["lvl"] == "results":
            out.append(entry["msg"])
    return out


@needs_lava
def test_qemu_job_cases_are_the_checks(pmulab, stock, tmp_path):
    device = render("device", LAVA / "devices" / "qemu-tcg.jinja2", stock)
    job = render("job", LAVA / "jobs" / "qemu.yaml.jinja2",
                 f"image_url=file://{BUILD / 'pmulab.img'}",
                 "ovmf_vars_url=file:///usr/share/OVMF/OVMF_VARS_4M.fd")
    rc, log = lava_run(tmp_path, device, job)
    assert rc == 0, log.read_text()[-2000:]
    res = results(log)
    assert {"case": "job", "definition": "lava", "result": "pass"} in res
    cases = [(r["case"], r["extra"]["test_case_id"], r["result"])
             for r in res if r["definition"] == "pmulab"]

    # The run's own records, from the same log.
    run = tmp_path / "run"
    proc = subprocess.run([str(pmulab), "import", "--lava", str(log), "--out", str(run)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    recs = records_in((run / "records.txt").read_bytes())
    checks = [r["fields"] for r in recs if r["type"] == "check"]
    status = recs[-1]["fields"]["status"]
    assert recs[-1]["type"] == "end" and status == "ok"
    assert len(checks) > 50
    assert cases == [(lava_id(c["name"]), c["name"], c["result"]) for c in checks] \
        + [("end", "end", "pass")]

    # The imported run reports like any other: its JUnit has LAVA's cases.
    proc = subprocess.run([str(pmulab), "report", str(run), "--format", "junit"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    names = [tc.get("name") for tc in ET.fromstring(proc.stdout).iter("testcase")]
    assert [lava_id(n) for n in names] == [c[0] for c in cases[:-1]] + ["end_status"]


@needs_lava
@pytest.mark.parametrize("device,job,args", [
    ("x86-uefi-ipxe", "ipxe", [f"efi_url=file://{BUILD / 'pmulab.efi'}"]),
    ("usb-board", "usb", [f"image_url=file://{BUILD / 'pmulab.img'}"]),
    ("qemu-kvm", "qemu", ["accel=kvm", f"image_url=file://{BUILD / 'pmulab.img'}",
                          "ovmf_vars_url=file:///usr/share/OVMF/OVMF_VARS_4M.fd"]),
])
def test_board_jobs_validate(stock, tmp_path, device, job, args):
    rc, log = lava_run(tmp_path, render("device", LAVA / "devices" / f"{device}.jinja2", stock),
                       render("job", LAVA / "jobs" / f"{job}.yaml.jinja2", *args),
                       validate=True)
    res = results(log)
    assert rc == 0 and {"case": "validate", "definition": "lava", "result": "pass"} in res, \
        log.read_text()[-2000:]


def test_import_lava_output_yaml(pmulab, boot, tmp_path):
    """lava-server's output.yaml: the same objects as a YAML list, noise
    and non-target lines between; the import keeps every record."""
    run = boot()
    assert run.rc == 0, run.stderr
    lines = [b'- {"dt": "2026-01-01T00:00:00", "lvl": "info", "msg": "start: 2 boot"}']
    for raw in (run.dir / "serial.log").read_bytes().split(b"\n"):
        text = raw.rstrip(b"\r").decode("latin-1")
        lines.append(b"- " + json.dumps({"dt": "2026-01-01T00:00:01", "lvl": "target",
                                         "msg": text}).encode())
    lines.append(b'- {"dt": "2026-01-01T00:00:09", "lvl": "results", "msg": {"case": "job"}}')
    log = tmp_path / "output.yaml"
    log.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "imported"
    proc = subprocess.run([str(pmulab), "import", "--lava", str(log), "--out", str(out),
                           "--format", "tap"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert records_in((out / "records.txt").read_bytes()) == run.records
    assert (out / "lava.log").read_bytes() == log.read_bytes()
    assert proc.stdout.startswith("TAP version 13\n")
    # A farm's run goes into the history as one of its own: the run made
    # here says when it started, the import is its records alone.
    assert f"{out}: added as run" in proc.stderr


def test_import_lava_refuses_a_log_without_serial_lines(pmulab, tmp_path):
    log = tmp_path / "not-lava.log"
    log.write_text("hello\n{\"lvl\": \"info\", \"msg\": \"x\"}\n")
    proc = subprocess.run([str(pmulab), "import", "--lava", str(log), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "no \"target\" line" in proc.stderr and "not a LAVA job log?" in proc.stderr
    proc = subprocess.run([str(pmulab), "import", "--lava", str(log), "somewhere"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--lava LOG or SOURCE, not both" in proc.stderr
