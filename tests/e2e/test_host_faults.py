"""pmulab run and report under faults: QEMU's own failure, a killed or
hung-up pmulab (no QEMU may outlive it), a reused --out directory (no old
records shown as new), and the run directory's artifacts."""
import os
import shutil
import shlex
import signal
import subprocess
import time
import zlib

import pytest

from conftest import RECORD, parse_line, records_in

BOOT_S = 300    # one short boot on a busy machine, at most


def pmulab_run(pmulab, *args, cwd=None):
    return subprocess.run([str(pmulab), "run", "--tcg", *map(str, args)], capture_output=True,
                          text=True, timeout=BOOT_S, cwd=cwd)


def children(pid):
    """The pids whose parent is pid (from /proc, so only processes that are
    ours to look at)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(entry))
    return kids


def alive(pid):
    """pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_and_find_qemu(pmulab, out):
    """pmulab run in the background, once its guest has sent its first
    record: (the pmulab Popen, QEMU's pid)."""
    proc = subprocess.Popen([str(pmulab), "run", "--tcg", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + BOOT_S
    qemu = None
    while time.time() < deadline and proc.poll() is None:
        kids = [k for k in children(proc.pid) if alive(k)]
        log = out / "serial.log"
        if kids and log.exists() and b"@PL1 0 hello" in log.read_bytes():
            qemu = kids[0]
            break
        time.sleep(0.05)
    assert qemu is not None, "QEMU never started writing: " + (proc.stderr.read()
                                                                if proc.poll() is not None
                                                                else "")
    return proc, qemu


def gone(pid, pgid, wait_s=10):
    """Whether pid and every process of group pgid are gone within wait_s."""
    deadline = time.time() + wait_s
    while time.time() < deadline:
        try:
            os.killpg(pgid, 0)
            group = True
        except ProcessLookupError:
            group = False
        except PermissionError:
            group = True
        if not alive(pid) and not group:
            return True
        time.sleep(0.1)
    return False


def test_sigkill_to_run_leaves_no_qemu(pmulab, tmp_path):
    """QEMU dies with pmulab (PR_SET_PDEATHSIG), in a group of its own."""
    proc, qemu = start_and_find_qemu(pmulab, tmp_path / "run")
    pgid = os.getpgid(qemu)
    assert pgid == qemu and pgid != os.getpgid(proc.pid)
    proc.kill()
    proc.communicate()
    try:
        assert gone(qemu, pgid), f"QEMU {qemu} outlived pmulab run"
    finally:
        if alive(qemu):     # what this test started, and nothing else
            os.kill(qemu, signal.SIGKILL)
    # Nothing stale: the serial log is this run's, and no records.txt
    # claims more.
    report = subprocess.run([str(pmulab), "report", str(tmp_path / "run")],
                            capture_output=True, text=True)
    assert report.returncode == 3, report.stderr


def whole_records(serial):
    """The records of a serial log cut anywhere: every finished line's, and
    the unfinished last line's when its text arrived whole (grammar and CRC
    hold; only the line end is missing), as the host's parser keeps them."""
    finished = serial.rfind(b"\n") + 1
    records = records_in(serial[:finished])
    tail = serial[finished:].rstrip(b"\r\0")
    start = tail.find(b"@PL1 ")
    if start >= 0:
        m = RECORD.match(tail[start:])
        if m and zlib.crc32(tail[start:tail.rindex(b" *")]) == int(m.group(4), 16):
            records.append(parse_line(tail[start:]))
    return records


def test_whole_records_keeps_a_last_line_without_its_line_end():
    hello = b"@PL1 0 hello format=1"
    line = hello + b" *%08x" % zlib.crc32(hello)
    assert [r["seq"] for r in whole_records(line + b"\r\n" + line)] == [0, 0]
    assert [r["seq"] for r in whole_records(line + b"\r\n" + line + b"\r")] == [0, 0]
    assert [r["seq"] for r in whole_records(line + b"\r\n" + line[:-1])] == [0]
    assert [r["seq"] for r in whole_records(line + b"\r\n" + line[:20])] == [0]


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_hangup_stops_qemu_and_keeps_the_records(pmulab, tmp_path, sig):
    out = tmp_path / "run"
    proc, qemu = start_and_find_qemu(pmulab, out)
    pgid = os.getpgid(qemu)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    try:
        assert gone(qemu, pgid), f"QEMU {qemu} outlived pmulab run"
    finally:
        if alive(qemu):
            os.kill(qemu, signal.SIGKILL)
    assert proc.returncode == 3, err
    assert "killed (interrupted)" in err
    kept = records_in((out / "records.txt").read_bytes())
    assert kept and kept[0]["type"] == "hello"
    # QEMU killed mid-line leaves the line unfinished: every finished one
    # is kept, and so is the last when only its line end is missing.
    assert kept == whole_records((out / "serial.log").read_bytes())


@pytest.mark.parametrize("cpu", ["nonsense", "SapphireRapids"])
def test_qemu_failure_is_not_the_guest_s_status(pmulab, tmp_path, cpu):
    """QEMU exits 1 for an unknown -cpu model, as isa-debug-exit does for
    status=ok: its message and exit 1, not a partial guest run."""
    proc = pmulab_run(pmulab, "--cpu", cpu, "--out", tmp_path / "run")
    assert proc.returncode == 1, proc.stderr
    assert f"unable to find CPU model '{cpu}'" in proc.stderr
    assert "QEMU failed to start the guest (exit 1)" in proc.stderr
    assert "isa-debug-exit" not in proc.stderr and proc.stdout == ""


def test_reused_out_directory_shows_no_old_run(pmulab, tmp_path):
    out = tmp_path / "run"
    first = pmulab_run(pmulab, "--set", "suite=none", "--keep-esp", "--out", out)
    assert first.returncode == 0, first.stderr
    assert (out / "esp.img").stat().st_size == 16 << 20
    report = subprocess.run([str(pmulab), "report", str(out)], capture_output=True, text=True)
    assert report.returncode == 0, report.stderr

    # The same directory, a run that cannot start QEMU: nothing of the
    # first run is left to be reported as this one.
    second = pmulab_run(pmulab, "--cpu", "nonsense", "--out", out)
    assert second.returncode == 1
    for name in ("results.txt", "esp.img", "reference.txt"):
        assert not (out / name).exists(), name
    assert (out / "serial.log").read_bytes() == b""
    report = subprocess.run([str(pmulab), "report", str(out)], capture_output=True, text=True)
    assert report.returncode != 0


def test_report_says_when_records_and_serial_log_disagree(boot, pmulab, tmp_path):
    run = boot("suite=none")
    assert run.rc == 0, run.stderr
    d = tmp_path / "copy"
    shutil.copytree(run.dir, d)
    proc = subprocess.run([str(pmulab), "report", str(d)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # An earlier run's complete records.txt beside a newer, cut serial.log.
    log = (d / "serial.log").read_bytes()
    (d / "serial.log").write_bytes(log[: len(log) // 2])
    proc = subprocess.run([str(pmulab), "report", str(d)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "records.txt and serial.log disagree" in proc.stderr
    assert "not in serial.log" in proc.stderr
    # A record changed: named too.
    (d / "serial.log").write_bytes(log)
    recs = (d / "records.txt").read_bytes().split(b"\n")
    recs[0] = recs[0].replace(b"hello", b"hellp")
    (d / "records.txt").write_bytes(b"\n".join(recs))
    proc = subprocess.run([str(pmulab), "report", str(d)], capture_output=True, text=True)
    assert proc.returncode == 1 and "record 0 missing from records.txt" in proc.stderr


def test_default_run_directory_latest_and_no_esp_image(pmulab, tmp_path):
    proc = pmulab_run(pmulab, "--set", "suite=none", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    runs = [p for p in (tmp_path / "runs").iterdir() if p.name.startswith("run-")]
    assert len(runs) == 1
    latest = tmp_path / "runs" / "latest"
    assert latest.is_symlink() and os.readlink(latest) == runs[0].name
    assert not (runs[0] / "esp.img").exists() and (runs[0] / "esp").is_dir()
    report = subprocess.run([str(pmulab), "report", "--format", "json"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert '"source":"runs/latest/records.txt"' in report.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    report = subprocess.run([str(pmulab), "report"], capture_output=True, text=True, cwd=empty)
    assert report.returncode == 2 and "no runs/latest" in report.stderr


def test_collect_of_a_directory(pmulab, tmp_path):
    proc = subprocess.run([str(pmulab), "collect", str(tmp_path), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "a directory: give a capture file, a TTY or -" in proc.stderr


def test_payload_names_a_config_too_large_to_read(pmulab, tmp_path):
    """The host refuses such a config; a stick written by other means gets
    one. The payload then runs on its defaults and says so: source=too-large
    and an error record, not a silent switch to the default suites."""
    out = tmp_path / "run"
    first = pmulab_run(pmulab, "--set", "suite=none", "--keep-esp", "--out", out)
    assert first.returncode == 0, first.stderr
    big = tmp_path / "config.txt"
    big.write_bytes(b"suite=none\n" + b"# padding\n" * 6600)
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    subprocess.run(["mcopy", "-o", "-i", str(out / "esp.img"), str(big),
                    "::/pmulab/config.txt"], check=True, env=env)
    (out / "serial.log").write_bytes(b"")
    cmdline = shlex.split((out / "cmdline.txt").read_text())
    qemu = subprocess.run(cmdline, capture_output=True, timeout=BOOT_S)
    assert qemu.returncode == (2 << 1) | 1, qemu.stderr     # status=error
    records = records_in((out / "serial.log").read_bytes())
    config = next(r["fields"] for r in records if r["type"] == "config")
    assert config["source"] == "too-large"
    errors = [r["fields"] for r in records if r["type"] == "error"]
    assert errors[0]["kind"] == "config" and errors[0]["reason"] == "file-too-large"
    assert errors[0]["detail"] == "over 65536 bytes: not read, every setting at its default"
