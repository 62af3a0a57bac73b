"""make docs: every figure README.md and docs/ take from a run is what
today's runs give. scripts/docs.sh --check rebuilds each figure from this
session's shared boots (the same settings it boots with, `--list`) and the
committed `make bench` output, and fails on any difference."""
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

DOCS_S = 120  # docs.sh over given runs: a few pmulab reports and one db add


def docs(pmulab, runs, *args, cwd=ROOT):
    return subprocess.run([str(ROOT / "scripts" / "docs.sh"), str(pmulab), "--runs", str(runs),
                           "--check", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=DOCS_S)


def shared_runs(boot, into):
    """The runs docs.sh quotes, as links to this session's shared boots."""
    into.mkdir()
    for line in subprocess.run([str(ROOT / "scripts" / "docs.sh"), "--list"], capture_output=True,
                               text=True, check=True).stdout.splitlines():
        name, *settings = line.split()
        run = boot(*settings)
        assert run.rc == 0, (name, run.stderr[-2000:])
        (into / name).symlink_to(run.dir)
    return into


def test_documented_figures_are_current(boot, pmulab, tmp_path):
    proc = docs(pmulab, shared_runs(boot, tmp_path / "runs"))
    assert proc.returncode == 0, "make docs would change:\n" + proc.stdout + proc.stderr


def test_a_drifted_figure_fails(boot, pmulab, tmp_path):
    """A copy of the docs with one figure changed is caught, and named (that
    doc's figures only: the whole set is the test above)."""
    runs = shared_runs(boot, tmp_path / "runs")
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "docs", tree / "docs")
    shutil.copy(ROOT / "README.md", tree / "README.md")
    doc = tree / "docs" / "sampling.md"
    text = doc.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| samples per run | "))
    doc.write_text(text.replace(row, row.replace("| samples per run | ", "| samples per run | 1")))
    proc = docs(pmulab, runs, "--doc", "docs/sampling.md", cwd=tree)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "docs/sampling.md" in proc.stdout and row in proc.stdout
    assert "figures differ from the runs" in proc.stderr


@pytest.mark.parametrize("doc,name,figure", [
    ("docs/profiles.md", "profile.compare", r"([0-9]+)  hot"),
    ("docs/profiles.md", "bench.linux-profile.hot", r"^([0-9]+)"),
    ("docs/crosscheck.md", "bench.linux-valgrind.processes", r"^([0-9]+)"),
    ("docs/crosscheck.md", "bench.linux-uprobe.ratio", r"^([0-9]+)"),
    ("docs/host.md", "ftrace.format", r"([0-9.]+) us +\|  } /\* tr_top"),
    ("docs/db.md", "db.diff", r"([0-9]+) match"),
    ("docs/probes.md", "lesson7.stepped", r"^([0-9]+)"),
    ("docs/real-hardware.md", "default.summary", r"records +([0-9]+)"),
])
def test_each_kind_of_figure_drifts(boot, pmulab, tmp_path, doc, name, figure):
    """A figure of each source -- a run's report, the bench file, the run
    history, a lesson's transcript -- changed by one digit is caught."""
    runs = shared_runs(boot, tmp_path / "runs")
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "docs", tree / "docs")
    shutil.copy(ROOT / "README.md", tree / "README.md")
    path = tree / doc
    text = path.read_text()
    m = re.search(r"<!-- run: %s -->(.*?)<!-- /run -->" % re.escape(name), text, re.S)
    assert m, f"{doc} has no figure {name}"
    f = re.search(figure, m.group(1), re.M)
    assert f, f"{doc}'s {name} has no {figure}"
    at = m.start(1) + f.start(1)
    path.write_text(text[:at] + str((int(text[at]) + 1) % 10) + text[at + 1:])
    proc = docs(pmulab, runs, "--doc", doc, cwd=tree)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert doc in proc.stdout and "figures differ from the runs" in proc.stderr
