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


def image_with_config(pmulab, tmp_path, text, *args):
    (tmp_path / "config.txt").write_bytes(text)
    out = tmp_path / "x.img"
    proc = subprocess.run([str(pmulab), "image", "-o", str(out), "--config",
                           str(tmp_path / "config.txt"), *args], capture_output=True, text=True)
    return proc, out


def test_image_refuses_a_config_it_would_truncate(pmulab, tmp_path):
    """A NUL once ended the host's reading: later lines went unchecked and
    uncopied, exit 0. A config over the payload's limit made a stick that ran
    with the defaults."""
    proc, out = image_with_config(pmulab, tmp_path, b"exit=qemu\n# c\n\0bogus=1\nseed=2\n")
    assert proc.returncode == 1, proc.stderr
    assert "config.txt line 3: a NUL byte" in proc.stderr and "no image made" in proc.stderr
    assert not out.exists()
    big = b"# padding\n" * 6553 + b"seed=2\n"          # 65537 bytes
    assert len(big) == 65537
    proc, out = image_with_config(pmulab, tmp_path, big)
    assert proc.returncode == 1, proc.stderr
    assert "65537 bytes, over the 65536 the payload reads" in proc.stderr
    assert not out.exists()
    # The limit itself is taken, and so is a template the --set lines push over.
    proc, out = image_with_config(pmulab, tmp_path, big[:65536 - 7] + b"seed=2\n")
    assert proc.returncode == 0, proc.stderr
    proc, out = image_with_config(pmulab, tmp_path, big[:65536 - 7] + b"seed=2\n",
                                  "--set", "exit_wait=5")
    assert proc.returncode == 1 and "and the --set lines" in proc.stderr


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


def mcopy_into(image, files):
    """files (paths) into the image's \\pmulab folder, by exact name."""
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    subprocess.run(["mcopy", "-i", f"{image}@@1048576", *map(str, files), "::/pmulab/"],
                   check=True, env=env, capture_output=True)


def test_import_takes_every_file_by_its_exact_name(pmulab, tmp_path):
    """1,005 files once imported as 1,000 with no word of the 5 left out,
    and an mcopy pattern made results-[1].txt fail."""
    src = tmp_path / "mounted" / "pmulab"
    src.mkdir(parents=True)
    for i in range(1, 1006):
        (src / f"results-{i:04d}.txt").write_bytes(b"")
    proc = import_(pmulab, tmp_path / "mounted", tmp_path / "many")
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert proc.stderr.count(": partial\n") == 1005
    assert len(list((tmp_path / "many").iterdir())) == 1005

    img = tmp_path / "stick.img"
    shutil.copy(IMAGE, img)
    files = tmp_path / "files"
    files.mkdir()
    for name, body in [("results-[1].txt", b"first"), ("results-1.txt", b"second")]:
        (files / name).write_bytes(body)
    mcopy_into(img, sorted(files.iterdir()))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    proc = subprocess.run([str(pmulab), "import", str(img), "--out", str(tmp_path / "odd")],
                          capture_output=True, text=True, env={**os.environ, "TMPDIR": str(scratch)})
    assert proc.returncode == 3, proc.stderr
    for name, body in [("results-[1]", b"first"), ("results-1", b"second")]:
        assert (tmp_path / "odd" / name / "results.txt").read_bytes() == body
    assert list(scratch.iterdir()) == []        # the stick's copy is removed


def test_import_reads_the_backup_gpt(pmulab, tmp_path):
    """A zeroed primary GPT (header and entries): the backup at the disk's
    end finds the ESP."""
    img = tmp_path / "stick.img"
    shutil.copy(IMAGE, img)
    (tmp_path / "results-001.txt").write_bytes(b"")
    mcopy_into(img, [tmp_path / "results-001.txt"])
    with open(img, "r+b") as f:
        f.seek(512)
        f.write(bytes(33 * 512))
    proc = import_(pmulab, img, tmp_path / "out")
    assert proc.returncode == 3, proc.stderr
    assert (tmp_path / "out" / "results-001" / "results.txt").exists()
    # The image on a bigger stick: its backup is at 64 MiB, not at the end.
    with open(img, "r+b") as f:
        f.truncate(128 << 20)
    proc = import_(pmulab, img, tmp_path / "stick")
    assert proc.returncode == 3, proc.stderr
    assert (tmp_path / "stick" / "results-001" / "results.txt").exists()


def test_failed_import_leaves_no_directory(pmulab, tmp_path):
    empty = tmp_path / "empty.img"
    empty.write_bytes(bytes(1 << 20))
    proc = subprocess.run([str(pmulab), "import", str(empty)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 1
    assert not glob.glob(str(tmp_path / "runs" / "import-*"))
    (tmp_path / "blank").mkdir()
    proc = subprocess.run([str(pmulab), "import", str(tmp_path / "blank")], capture_output=True,
                          text=True, cwd=tmp_path)
    assert proc.returncode == 1 and "no results-NNN.txt" in proc.stderr
    assert not glob.glob(str(tmp_path / "runs" / "import-*"))


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
    assert proc.returncode == 1 and "not on USB" in proc.stderr
    # A link is judged by what it resolves to, and so is a path spelled
    # another way; --force-removable takes no disk that is not removable.
    name = os.path.basename(fixed[0])
    os.symlink(fixed[0], tmp_path / "stick")
    for dev, args in [(tmp_path / "stick", []), (f"/dev//{name}", []),
                      (f"/dev/./{name}", ["--force-removable"])]:
        proc = subprocess.run([str(pmulab), "flash", str(img), str(dev), "--yes", *args],
                              capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr
        assert f"refusing {fixed[0]}: " in proc.stderr
        assert ("neither on USB nor removable" if args else "not on USB") in proc.stderr
