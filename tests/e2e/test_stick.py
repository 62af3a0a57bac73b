"""The USB stick for real hardware: build/pmulab.img booted by QEMU as a USB
mass-storage disk with no serial port -- as on a laptop with no cable --
then read back with `pmulab import`."""
import glob
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, records_in

IMAGE = ROOT / "build" / "pmulab.img"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def boot_stick(stick, vars_fd):
    """One boot of the stick: q35, OVMF, the image on xHCI USB storage, no
    serial port. The payload ends through isa-debug-exit: (status << 1) | 1."""
    proc = subprocess.run([
        "qemu-system-x86_64", "-machine", "q35", "-m", "1024", "-smp", "1",
        "-no-reboot", "-display", "none", "-monitor", "none", "-net", "none",
        "-serial", "none",
        "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
        "-drive", f"if=pflash,format=raw,file={vars_fd}",
        "-device", "qemu-xhci",
        "-drive", f"if=none,id=stick,format=raw,file={stick}",
        "-device", "usb-storage,drive=stick",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    ], capture_output=True, text=True, timeout=300)
    return proc.returncode


def import_(pmulab, source, out, *args):
    return subprocess.run([str(pmulab), "import", str(source), "--out", str(out), *args],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def stick(tmp_path_factory):
    assert IMAGE.exists(), "build/pmulab.img is missing: run 'make image'"
    d = tmp_path_factory.mktemp("stick")
    shutil.copy(IMAGE, d / "stick.img")
    shutil.copy(OVMF_VARS, d / "vars.fd")
    return d


def check_complete(records):
    assert records[0]["type"] == "hello" and records[-1]["type"] == "end"
    assert [r["seq"] for r in records] == list(range(len(records)))
    assert records[-1]["fields"]["status"] == "ok"


def test_image_layout():
    """64 MiB, a GPT whose one partition is the ESP, FAT32, the three files."""
    assert IMAGE.stat().st_size == 64 << 20
    out = subprocess.run(["sgdisk", "-p", str(IMAGE)], capture_output=True, text=True).stdout
    assert "EF00" in out and "PMULAB" in out
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    part = f"{IMAGE}@@1048576"
    listing = subprocess.run(["mdir", "-b", "-i", part, "::/", "::/EFI/BOOT", "::/pmulab"],
                             capture_output=True, text=True, env=env).stdout
    for name in ("::/README.txt", "::/EFI/BOOT/BOOTX64.EFI", "::/pmulab/config.txt"):
        assert name in listing
    info = subprocess.run(["minfo", "-i", part, "::"], capture_output=True, text=True,
                          env=env).stdout
    assert 'disk type="FAT32' in info
    config = subprocess.run(["mtype", "-i", part, "::/pmulab/config.txt"],
                            capture_output=True, text=True, env=env).stdout
    assert "icount_shift=off" in config and "suite=pmu-check,quick" in config


def test_boot_from_usb_without_serial_and_import(stick, pmulab, tmp_path):
    assert boot_stick(stick / "stick.img", stick / "vars.fd") == 1   # status ok
    first = import_(pmulab, stick / "stick.img", tmp_path / "one")
    assert first.returncode == 0, first.stderr
    assert "results-001.txt -> " in first.stderr and "complete, ok" in first.stderr
    records = records_in((tmp_path / "one" / "results-001" / "records.txt").read_bytes())
    check_complete(records)
    hello = records[0]["fields"]
    assert hello["console"] == "uefi" and hello["secure_boot"] in ("0", "none")
    config = records[1]["fields"]
    assert config["results_file"] == "\\pmulab\\results-001.txt"
    assert config["icount_shift"] == "off"
    # No -icount: nothing claims to be exact, and says why.
    checks = {r["fields"]["name"]: r["fields"] for r in records if r["type"] == "check"}
    assert checks["icount.loop"] == {"name": "icount.loop", "result": "skip", "section": "benches",
                                     "reason": "no-icount"}

    # A second boot adds results-002 and leaves results-001 as it was.
    assert boot_stick(stick / "stick.img", stick / "vars.fd") == 1
    second = import_(pmulab, stick / "stick.img", tmp_path / "two")
    assert second.returncode == 0, second.stderr
    assert "results-002.txt" in second.stderr
    again = (tmp_path / "two" / "results-001" / "results.txt").read_bytes()
    assert again == (tmp_path / "one" / "results-001" / "results.txt").read_bytes()
    records2 = records_in((tmp_path / "two" / "results-002" / "records.txt").read_bytes())
    check_complete(records2)
    assert records2[1]["fields"]["results_file"] == "\\pmulab\\results-002.txt"


def test_import_of_a_truncated_file_is_partial(boot, pmulab, tmp_path):
    """A stick pulled mid-run: the good records are kept, the run is partial."""
    src = tmp_path / "mounted" / "pmulab"
    src.mkdir(parents=True)
    full = boot("suite=none")
    assert full.rc == 0, full.stderr
    data = (full.dir / "results.txt").read_bytes()
    cut = data[: len(data) * 2 // 3]
    (src / "results-001.txt").write_bytes(cut)
    proc = import_(pmulab, tmp_path / "mounted", tmp_path / "imp", "--format", "json")
    assert proc.returncode == 3, proc.stderr
    assert "partial" in proc.stderr
    kept = records_in((tmp_path / "imp" / "results-001" / "records.txt").read_bytes())
    good = records_in(cut.rsplit(b"\n", 1)[0])
    assert kept == good and len(kept) >= 4


@pytest.mark.parametrize("args,message", [
    (["--set", "bogus=1"], "config line"),
    (["--set", "suite=fast"], "bad-value"),
    (["--set", "benches=chase:3KiB"], "size-not-power-of-2"),
])
def test_image_refuses_a_bad_config(pmulab, tmp_path, args, message):
    out = tmp_path / "x.img"
    proc = subprocess.run([str(pmulab), "image", "-o", str(out), *args],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert message in proc.stderr and "no image made" in proc.stderr
    assert not out.exists() and not glob.glob(str(out) + "*")


def test_image_with_settings(pmulab, tmp_path):
    out = tmp_path / "custom.img"
    proc = subprocess.run([str(pmulab), "image", "-o", str(out), "--set", "skip=pmu,lbr",
                           "--set", "exit_wait=5"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    config = subprocess.run(["mtype", "-i", f"{out}@@1048576", "::/pmulab/config.txt"],
                            capture_output=True, text=True,
                            env={**os.environ, "MTOOLS_SKIP_CHECK": "1"}).stdout
    assert "\nskip=pmu,lbr\n" in config and "\nexit_wait=5\n" in config


def test_import_errors(pmulab, tmp_path):
    empty = tmp_path / "empty.img"
    empty.write_bytes(bytes(1 << 20))
    proc = import_(pmulab, empty, tmp_path / "o1")
    assert proc.returncode == 1 and "no GPT, MBR or FAT" in proc.stderr
    proc = import_(pmulab, tmp_path / "missing.img", tmp_path / "o2")
    assert proc.returncode == 1 and "missing.img" in proc.stderr
    (tmp_path / "blank" / "pmulab").mkdir(parents=True)
    proc = import_(pmulab, tmp_path / "blank", tmp_path / "o3")
    assert proc.returncode == 1 and "no results-NNN.txt" in proc.stderr


def test_flash_refuses_what_is_not_a_stick(pmulab, tmp_path):
    img = IMAGE
    proc = subprocess.run([str(pmulab), "flash", str(img), str(tmp_path / "file")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "No such file" in proc.stderr
    (tmp_path / "file").write_bytes(b"")
    proc = subprocess.run([str(pmulab), "flash", str(img), str(tmp_path / "file"), "--yes"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "not a block device" in proc.stderr
    assert (tmp_path / "file").read_bytes() == b""
    # A fixed disk is refused even with --yes; loop devices are fixed and idle.
    fixed = [d for d in sorted(glob.glob("/dev/loop[0-9]"))
             if open(f"/sys/class/block/{os.path.basename(d)}/removable").read().strip() == "0"]
    if not fixed:
        pytest.skip("no fixed block device here to be refused")
    proc = subprocess.run([str(pmulab), "flash", str(img), fixed[0], "--yes"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "not a removable disk" in proc.stderr
