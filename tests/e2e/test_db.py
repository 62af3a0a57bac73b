"""The run history (docs/db.md) fed by real boots: two runs land in it by
themselves, `pmulab history` shows both with their sources, and a baseline
check fails (exit 4) on a run whose counter was changed beyond tolerance
and passes (exit 0) on an equal one."""
import shutil
import subprocess
import zlib

EXIT_DIFFER = 4


def db(pmulab, path, *args):
    return subprocess.run([str(pmulab), *args, "--db", str(path)], capture_output=True,
                          text=True, timeout=120)


def plant(src, dst, match, old, new):
    """A copy of run directory src whose first record line holding match
    has old replaced by new, its CRC recomputed (docs/record-format.md)."""
    shutil.copytree(src, dst)
    lines = (src / "records.txt").read_bytes().split(b"\n")
    for i, line in enumerate(lines):
        if match in line and old in line:
            body = line[: line.rindex(b" *")].replace(old, new)
            lines[i] = body + b" *%08x" % zlib.crc32(body)
            break
    else:
        raise AssertionError(f"no record with {match!r} and {old!r} in {src}")
    (dst / "records.txt").write_bytes(b"\n".join(lines))


def test_history_and_baseline(boot, pmulab, tmp_path, monkeypatch):
    history = tmp_path / "history.db"
    monkeypatch.setenv("PMULAB_DB", str(history))
    # Two default runs: byte-identical records under -icount, two runs all
    # the same (each says when it started).
    a = boot(fresh=True)
    b = boot(fresh=True)
    assert (a.dir / "records.txt").read_bytes() == (b.dir / "records.txt").read_bytes()
    assert a.rc == 0 and b.rc == 0, a.stderr + b.stderr
    for run in (a, b):
        assert f"{run.dir}: added as run" in run.stderr

    out = db(pmulab, history, "history", "instructions", "--bench", "loop")
    assert out.returncode == 0, out.stderr
    icount = [line.split() for line in out.stdout.splitlines() if " icount " in line]
    assert len(icount) == 2, out.stdout
    insns = a.first("counter", bench="loop", event="instructions", src="icount")["value"]
    for row, run in zip(icount, (a, b)):
        assert row[-1] == str(run.dir) and row[-2] == insns and "run" in row, out.stdout
    plot = db(pmulab, history, "history", "instructions", "--bench", "loop", "--plot",
              tmp_path / "insns.svg")
    assert plot.returncode == 0, plot.stderr
    assert (tmp_path / "insns.svg").read_text().lstrip().startswith("<?xml")
    # Each run's icount and reference-model counts: the model counts the
    # same instructions.
    points = (tmp_path / "insns.dat").read_text().split()
    assert points[1::3] == [insns] * 4, points
    machines = db(pmulab, history, "db", "machines")
    assert machines.returncode == 0
    assert "qemu tcg / " in machines.stdout and "    2  " in machines.stdout, machines.stdout

    assert db(pmulab, history, "db", "baseline", "set", "ci", str(a.dir)).returncode == 0
    equal = db(pmulab, history, "db", "baseline", "check", "ci", str(b.dir))
    assert equal.returncode == 0, equal.stdout + equal.stderr

    # icount is exact: one instruction more is a regression.
    planted = tmp_path / "planted"
    plant(a.dir, planted, b"bench=loop event=instructions src=icount",
          b"value=" + insns.encode(), b"value=%d" % (int(insns) + 1))
    assert db(pmulab, history, "db", "add", str(planted)).returncode == 0
    worse = db(pmulab, history, "db", "baseline", "check", "ci", str(planted))
    assert worse.returncode == EXIT_DIFFER, worse.stdout + worse.stderr
    assert f"loop instructions: A {insns} (icount), B {int(insns) + 1} (icount)" in worse.stdout
    assert "regressed from baseline ci" in worse.stderr

    # A damaged history is refused, and the run directories stay as they were.
    before = (a.dir / "records.txt").read_bytes()
    history.write_bytes(history.read_bytes()[:1000])
    broken = db(pmulab, history, "history", "instructions")
    assert broken.returncode == 1 and "it was left as it is" in broken.stderr, broken.stderr
    assert (a.dir / "records.txt").read_bytes() == before


def test_import_feeds_the_history(boot, pmulab, tmp_path):
    """import adds each run it makes; --no-db adds none and makes no
    database; a history that cannot be written is a warning only."""
    run = boot()
    assert run.rc == 0
    stick = tmp_path / "stick" / "pmulab"
    stick.mkdir(parents=True)
    shutil.copy(run.dir / "results.txt", stick / "results-001.txt")

    def imp(out, *args):
        return subprocess.run([str(pmulab), "import", str(stick.parent), "--out", str(out),
                               *args], capture_output=True, text=True, timeout=120)

    history = tmp_path / "h.db"
    off = imp(tmp_path / "off", "--no-db", "--db", str(history))
    assert off.returncode == 0, off.stderr
    assert not history.exists()
    on = imp(tmp_path / "on", "--db", str(history))
    assert on.returncode == 0, on.stderr
    assert f"{tmp_path / 'on' / 'results-001'}: added as run 1" in on.stderr
    listed = db(pmulab, history, "history", "instructions", "--bench", "loop")
    assert "import   loop   icount" in listed.stdout, listed.stdout

    # The history is a directory here: the run and its exit code are kept.
    broken = imp(tmp_path / "broken", "--db", str(tmp_path))
    assert broken.returncode == 0, broken.stderr
    assert "warning:" in broken.stderr and "pmulab db add" in broken.stderr
    assert (tmp_path / "broken" / "results-001" / "records.txt").read_bytes() == \
        (tmp_path / "on" / "results-001" / "records.txt").read_bytes()


def test_usage_errors(pmulab):
    for args in (["db"], ["db", "bogus"], ["db", "diff", "1"], ["db", "baseline", "drop", "x"],
                 ["history"], ["history", "x", "--since", "yesterday"],
                 ["history", "x", "--plot", "x.pdf"], ["run", "--db"]):
        proc = subprocess.run([str(pmulab), *args], capture_output=True, text=True)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("pmulab"), proc.stderr
