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
    # Two default runs; the seed (chase orders, branch patterns) changes no
    # exact count, but makes the second run's records its own.
    a = boot(fresh=True)
    b = boot("seed=2", fresh=True)
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
