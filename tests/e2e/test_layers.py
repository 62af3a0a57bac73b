"""The build's rules, tried on a copy of the checkout and its build folder:
an include the wrong way does not compile, a call the wrong way or a circle of
files fails scripts/layers.sh, and touching a header rebuilds exactly what
includes it (docs/internals.md "Layers" and "Build")."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The tracked files and build/, mtimes kept, so make sees the copy as
    up to date: only what a test changes is out of date."""
    if not (ROOT / "build" / "pmulab.efi").exists():
        pytest.fail("build/ is missing: run make first")
    dst = tmp_path_factory.mktemp("tree")
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, names):
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dst / name, follow_symlinks=False)
    shutil.copytree(ROOT / "build", dst / "build", symlinks=True)
    return dst


@pytest.fixture
def planted(tree):
    """Appends text to a source of the copy; puts it and the objects built
    from it back after, so the copy is up to date again."""
    touched = []

    def plant(path, text):
        touched.append(path)
        with open(tree / path, "a") as f:
            f.write(text)

    yield plant
    for path in touched:
        shutil.copy2(ROOT / path, tree / path)
        for built in (ROOT / "build").glob("*/" + str(Path(path).with_suffix(".*"))):
            shutil.copy2(built, tree / built.relative_to(ROOT))


def make(tree, *targets, dry=False):
    return subprocess.run(["make", "--no-print-directory"] + (["-n"] if dry else [])
                          + list(targets), cwd=tree, capture_output=True, text=True)


def layers(tree):
    return subprocess.run(["scripts/layers.sh", "check", "build"], cwd=tree,
                          capture_output=True, text=True)


def test_the_tree_keeps_its_layers(tree):
    r = layers(tree)
    assert r.returncode == 0, r.stderr
    assert "no circles" in r.stdout


def test_wrong_way_include_does_not_compile(tree, planted):
    planted("lib/crc32.c", '#include "kernel-side/pmu/pmu.h"\n')
    r = make(tree, "build/efi/lib/crc32.o")
    assert r.returncode != 0
    assert "kernel-side/pmu/pmu.h: No such file or directory" in r.stderr
    r = layers(tree)
    assert r.returncode == 1
    assert ("layers: lib/crc32.c includes kernel-side/pmu/pmu.h: lib may use lib only"
            in r.stderr)


def test_wrong_way_call_fails_the_check(tree, planted):
    # A hand-written extern compiles: only the objects' symbols show the call.
    planted("lib/crc32.c", "\nstruct cpu_info;\nstruct pmu_caps;\n"
            "void pmu_probe(const struct cpu_info *ci, struct pmu_caps *pc);\n"
            "void crc32_planted(void);\n"
            "void crc32_planted(void) { pmu_probe(0, 0); }\n")
    r = make(tree, "build/efi/lib/crc32.o")
    assert r.returncode == 0, r.stderr
    r = layers(tree)
    assert r.returncode == 1
    assert re.search(r"layers: lib/crc32\.c uses pmu_probe from kernel-side/pmu/\S+\.c: "
                     r"lib may use lib only", r.stderr), r.stderr


def test_circle_fails_the_check(tree, planted):
    # record.c formats with fmt.c; fmt.c calling back into record.c closes a circle.
    planted("lib/fmt.c", "\nu64 rec_count(void);\nu64 fmt_planted(void);\n"
            "u64 fmt_planted(void) { return rec_count(); }\n")
    r = make(tree, "build/efi/lib/fmt.o")
    assert r.returncode == 0, r.stderr
    r = layers(tree)
    assert r.returncode == 1
    assert "layers: a circle of 2 files:" in r.stderr
    assert "  lib/fmt -> lib/record: rec_count" in r.stderr
    assert re.search(r"  lib/record -> lib/fmt: \S*fmt_snprintf", r.stderr), r.stderr


def includers(tree, header):
    """The objects whose dependency file names header, through any root."""
    objs = set()
    for d in (tree / "build").rglob("*.d"):
        # An object of a file since moved or renamed is no longer built.
        src = Path(*d.relative_to(tree / "build").parts[1:]).with_suffix("")
        if not (tree / src).is_file() and not (tree / src.with_suffix(".c")).is_file():
            continue
        text = d.read_text(errors="replace")
        if re.search(r"(^|[\s/])" + re.escape(header) + r"(\s|:|$)", text, re.M):
            objs.add(str(d.relative_to(tree).with_suffix(".o")))
    return objs


@pytest.mark.parametrize("header", ["kernel-side/cpu/msr.h", "lib/record.h",
                                    "microbench/kernels.h", "host/stream/parse.h",
                                    "tests/unit/models/pmu_sim.h"])
def test_touching_a_header_rebuilds_what_includes_it(tree, header):
    before = make(tree, "all", "unit", dry=True)
    assert before.returncode == 0, before.stderr
    assert " -c " not in before.stdout, "the copy is not up to date"
    (tree / header).touch()
    try:
        r = make(tree, "all", "unit", dry=True)
    finally:
        shutil.copy2(ROOT / header, tree / header)
    assert r.returncode == 0, r.stderr
    rebuilt = set(re.findall(r" -o (\S+\.o)\b", r.stdout))
    want = includers(tree, header)
    assert want, f"no object includes {header}?"
    assert want <= rebuilt, sorted(want - rebuilt)
    # Nothing else is compiled again, but for the symbol tables each second
    # link regenerates from the first: the payload's (build/efi/symtab-data.c)
    # and those of the unit tests that have one (build/unit/symtab-test_*.c).
    tables = {o for o in rebuilt if o == "build/efi/symtab-data.o" or
              re.fullmatch(r"build/unit/symtab-test_\w+\.o", o)}
    assert rebuilt - tables <= want, sorted(rebuilt - want)
    unit_objs = [o for o in want if o.startswith("build/unit/")]
    if unit_objs:
        # Every unit test links the one archive: each relinks.
        tests = sorted((tree / "build" / "unit").glob("test_*"))
        tests = [t for t in tests if t.suffix == ""]
        assert tests
        for t in tests:
            assert f" -o build/unit/{t.name} " in r.stdout or \
                f" -o build/unit/{t.name}\n" in r.stdout, t.name
