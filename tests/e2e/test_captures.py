"""The host reading captures as real tools leave them (docs/host.md "Limits"):
line ends of script(1) and terminals, noise, files that never end, and big
valid captures read in one pass with memory that does not follow the input."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIGCAPTURE = ROOT / "scripts" / "bigcapture.py"


def measured(args, timeout=60):
    """(returncode, stdout, stderr, seconds, peak RSS in KiB) of a command."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", *map(str, args)],
                          capture_output=True, timeout=timeout)
    secs, kib = proc.stderr.decode(errors="replace").strip().splitlines()[-1].split()
    return proc.returncode, proc.stdout, proc.stderr.decode(errors="replace"), \
        float(secs), int(kib)


@pytest.mark.parametrize("eol", [b"\r\r\n", b"\0\r\n", b"\r\0\0\n"])
def test_line_ends_of_capture_tools(boot, pmulab, tmp_path, eol):
    run = boot()
    data = (run.dir / "serial.log").read_bytes().replace(b"\r\n", eol)
    cap = tmp_path / "capture.log"
    cap.write_bytes(data)
    out = tmp_path / "collected"
    proc = subprocess.run([str(pmulab), "collect", str(cap), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The capture holds the payload's records; the run's records.txt has the
    # reference model's after them.
    assert (run.dir / "records.txt").read_bytes().startswith((out / "records.txt").read_bytes())
    assert b" end " in (out / "records.txt").read_bytes().splitlines()[-1]
    proc = subprocess.run([str(pmulab), "report", str(cap)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "rejected" not in proc.stdout


def test_a_file_of_record_starts_is_read_in_bounded_memory(pmulab, tmp_path):
    noise = tmp_path / "noise.log"
    noise.write_bytes(b"@PL1 " * 10_000_000)
    rc, out, err, secs, kib = measured([pmulab, "report", noise])
    assert rc == 3, err
    assert b"rejected  9999000 more lines, not listed" in out
    assert kib < 64 * 1024, f"{kib} KiB for 50 MB of noise"


@pytest.mark.parametrize("cmd", ["report", "plot", "compare"])
def test_files_that_never_end_are_refused(pmulab, tmp_path, cmd):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, what in (("/dev/zero", "a character device, not a regular file"),
                       (fifo, "a FIFO, not a regular file")):
        args = [pmulab, cmd, path] + ([path] if cmd == "compare" else [])
        proc = subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=10)
        assert proc.returncode == 1, proc.stderr
        assert f"{path}: {what}" in proc.stderr


def test_collect_refuses_a_directory_and_stops_a_device_at_the_limit(pmulab, tmp_path):
    proc = subprocess.run([str(pmulab), "collect", str(tmp_path)], capture_output=True,
                          text=True, timeout=10)
    assert proc.returncode == 1 and "a directory: give a capture file" in proc.stderr
    rc, out, err, secs, kib = measured([pmulab, "collect", "/dev/zero", "--out",
                                        tmp_path / "zero"], timeout=120)
    (tmp_path / "zero" / "serial.log").unlink()
    assert rc == 3 and "stopped reading after 256 MiB (PARSE_FILE_MAX)" in err
    assert kib < 64 * 1024


def test_big_captures_in_one_pass(boot, pmulab, tmp_path):
    """10 MB and 40 MB of valid records: collect and report take time in
    proportion to the input (the old collector went from 0.8 s at 8 MB to
    minutes); collect counts records past COLLECT_KEEP_MAX instead of keeping
    them, so its memory does not grow with the input, and report holds at
    most 2x the input (a record keeps its line once and 6 bytes a field; it
    was 3.9x with a decoded copy and a 24-byte field table)."""
    run = boot()
    sizes, times, peaks, rpeaks, bytes_ = (10, 40), [], [], [], []
    for mb in sizes:
        cap = tmp_path / f"cap{mb}.log"
        subprocess.run([sys.executable, BIGCAPTURE, run.dir / "records.txt",
                        str(mb * 1_000_000), cap], check=True)
        rc, out, err, secs, kib = measured([pmulab, "collect", cap, "--out",
                                            tmp_path / f"c{mb}"], timeout=300)
        assert rc == 0, err
        assert b"counted, not kept: pmulab report" in out, out
        assert (tmp_path / f"c{mb}" / "serial.log").stat().st_size == cap.stat().st_size
        assert not (tmp_path / f"c{mb}" / "records.txt").exists()
        assert kib < 40 * 1024, f"collect of {mb} MB: {kib} KiB"
        rc, _, err, rsecs, rkib = measured([pmulab, "report", "--format", "records-csv", cap],
                                           timeout=300)
        assert rc == 0, err
        assert rkib * 1024 <= 2 * cap.stat().st_size, f"report of {mb} MB: {rkib} KiB"
        times.append(secs)
        peaks.append(kib)
        rpeaks.append(rkib)
        bytes_.append(cap.stat().st_size)
        cap.unlink()
    # Four times the input: at most about four times the time, never the
    # sixteen of a quadratic reader (a slack of 2 for a busy machine).
    assert times[1] <= 8 * max(times[0], 0.25), times
    # Four times the input, the same collect: what it keeps stops at the limit.
    assert peaks[1] <= peaks[0] + 4 * 1024, peaks
    # What report adds for the 30 MB more is at most 2x them too: the tool's
    # own few MiB are not part of what grows.
    assert (rpeaks[1] - rpeaks[0]) * 1024 <= 2 * (bytes_[1] - bytes_[0]), rpeaks
