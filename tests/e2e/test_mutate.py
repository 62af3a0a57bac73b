"""The mutation run (scripts/mutate.sh, docs/internals.md "Hardware models")
on small lists: a moved register constant is caught and its report names the
tests that failed; a constant no test checks, or a test named for a mutation
that does not fail, fails the run naming it; bad lists are refused with a
reason. Each run writes to its own folder, never into the tree."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def built():
    r = subprocess.run(["make", "--no-print-directory", "-j2", "build/unit/test_spec",
                        "build/unit/test_lbr", "build/unit/test_lbr_filter",
                        "build/unit/test_pmu"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def mutate(tmp_path, lines, target="mutate"):
    mutations = tmp_path / "mutations.txt"
    mutations.write_text("".join(line + "\n" for line in lines))
    return subprocess.run(["make", "--no-print-directory", target, f"MUTATIONS={mutations}"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "MUTATE_OUT": str(tmp_path / "out")})


def test_a_moved_register_is_caught_by_the_model_tests(tmp_path):
    before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    r = mutate(tmp_path, ["kernel-side/cpu/msr.h MSR_LBR_TOS 0x1ca test_lbr test_lbr_filter"])
    assert r.returncode == 0, r.stdout + r.stderr
    line = r.stdout.splitlines()[0]
    assert line.startswith("mutate: MSR_LBR_TOS 0x000001c9 -> 0x1ca (kernel-side/cpu/msr.h): "
                           "caught by "), line
    caught = line.split("caught by ")[1].split(";")[0].split()
    assert {"test_spec", "test_lbr", "test_lbr_filter"} <= set(caught), line
    assert "1 mutations, 0 not caught as listed" in r.stdout
    # The tree is as it was; the mutant header lived in the run's folder.
    assert subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                          capture_output=True, text=True).stdout == before
    mutant = (tmp_path / "out" / "001-MSR_LBR_TOS" / "inc" / "kernel-side" / "cpu"
              / "msr.h").read_text().splitlines()
    assert [l.split() for l in mutant if "MSR_LBR_TOS" in l] == [["#define", "MSR_LBR_TOS", "0x1ca"]]


def test_the_quick_check_runs_test_spec(tmp_path):
    r = mutate(tmp_path, ["kernel-side/cpu/msr.h MSR_AMD_SAMP_BR_FROM 0xc0010310"],
               target="mutate-quick")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "caught by test_spec" in r.stdout


def test_what_no_test_catches_fails_the_run(tmp_path):
    # pmulab's own budget: test_spec does not compare it, so it is not caught
    # as a register constant must be.
    r = mutate(tmp_path, ["kernel-side/pmu/count.h COUNT_EVENTS_MAX 25",
                          "kernel-side/cpu/msr.h MSR_LBR_TOS 0x1ca test_pmu"])
    assert r.returncode != 0
    assert "mutate: FAIL: COUNT_EVENTS_MAX 24 -> 25" in r.stdout
    assert "NOT CAUGHT by test_spec" in r.stdout
    assert "NOT CAUGHT by test_pmu" in r.stdout
    assert "2 mutations, 2 not caught as listed" in r.stdout


@pytest.mark.parametrize("line,why", [
    ("kernel-side/cpu/nope.h MSR_X 1", "no header kernel-side/cpu/nope.h"),
    ("kernel-side/cpu/msr.h MSR_LBR_TOS", "want HEADER CONSTANT MUTANT [TESTS...]"),
])
def test_a_bad_list_is_refused(tmp_path, line, why):
    r = mutate(tmp_path, [line])
    assert r.returncode != 0
    assert why in r.stderr


def test_a_constant_the_header_lacks_is_named(tmp_path):
    r = mutate(tmp_path, ["kernel-side/cpu/msr.h MSR_NOT_THERE 1"])
    assert r.returncode != 0
    assert "kernel-side/cpu/msr.h: no single '#define MSR_NOT_THERE VALUE'" in r.stdout
