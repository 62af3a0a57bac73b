"""The reference model, on by default under TCG: the TCG reference plugin
(host/plugin/) counts each measured region of the quick suite, and its counts, merged as
`counter src=model` records, equal what is known exactly: the icount
instruction counts, and the branches, loads and stores written from the .asm
files (independently of microbench/kernels.c, as in test_microbench.py)."""
import os
import subprocess

import pytest

from conftest import records_in
from test_microbench import QUICK, expected_iters, per_iter

# Per iteration, from microbench/*.asm: conditional branches (Jcc), all near
# branches, indirect ones (JMP/CALL r/m: cachegrind leaves RET out), loads,
# stores.
COND = {"branch": 2}
BRANCHES = {"branch": 3}
LOADS = {"chase": 1, "stream": 1, "branch": 1}


def per_iter_counts(bench):
    fam = bench["family"]
    d = int(bench.get("depth", 0))
    if fam == "calls":     # call rsi, d-1 call rel32, d ret, dec, jnz
        return {"branches-conditional": 1, "branches": 2 * d + 1, "branches-indirect": 1,
                "L1-dcache-loads": d, "L1-dcache-stores": d}
    return {"branches-conditional": COND.get(fam, 1), "branches": BRANCHES.get(fam, 1),
            "branches-indirect": 0, "L1-dcache-loads": LOADS.get(fam, 0), "L1-dcache-stores": 0}


def test_markers_only_where_bench_c_puts_them(pmulab):
    """The plugin finds regions by the markers' 8 bytes: the payload holds
    each exactly where bench.c's measure() has it, and nowhere else."""
    from conftest import ROOT
    efi = (ROOT / "build" / "pmulab.efi").read_bytes()
    bench = (ROOT / "build" / "efi" / "kernel-side" / "bench" / "bench.o").read_bytes()
    for marker in (b"\x0f\x1f\x84\x00PMU<", b"\x0f\x1f\x84\x00PMU>"):
        assert efi.count(marker) == bench.count(marker) == 1


@pytest.fixture(scope="module")
def ref(boot):
    run = boot()
    assert run.rc == 0, run.stderr
    return run.dir


def records(run_dir):
    return records_in((run_dir / "records.txt").read_bytes())


def model(recs, bench, event):
    found = [r["fields"] for r in recs if r["type"] == "counter" and
             r["fields"]["bench"] == bench and r["fields"]["event"] == event and
             r["fields"]["src"] == "model"]
    assert len(found) == 1, (bench, event, found)
    c = found[0]
    assert c["model"] == "pmulab-plugin"
    assert (c["I1"], c["D1"], c["LL"]) == ("32768,8,64", "32768,8,64", "8388608,16,64")
    return int(c["value"]), int(c["min"]), int(c["max"])


def test_model_is_stated_whole_and_off_on_request(ref, boot):
    """A default TCG run has the model; its record states the caches and the
    predictor, so every count can be reproduced; --no-reference has none."""
    f = [r["fields"] for r in records(ref) if r["type"] == "reference"]
    assert len(f) == 1
    assert {k: f[0][k] for k in ("plugin", "I1", "D1", "LL", "predictor", "cond_counters",
                                 "cond_history_bits", "cond_addr_bits", "indirect_targets")} == {
        "plugin": "pmulab-plugin", "I1": "32768,8,64", "D1": "32768,8,64",
        "LL": "8388608,16,64", "predictor": "cachegrind", "cond_counters": "16384",
        "cond_history_bits": "7", "cond_addr_bits": "7", "indirect_targets": "512"}
    off = boot("suite=pmu-check", reference=False)
    assert off.rc == 0, off.stderr
    assert not (off.dir / "reference.txt").exists()
    assert not [r for r in records(off.dir) if r["type"] == "reference" or
                r["fields"].get("src") == "model"]


def test_no_plugin_built_no_model_unless_asked(pmulab, tmp_path):
    """Where the plugin was not built a default run goes on without the
    model; --reference then is an error before QEMU starts."""
    env = {**os.environ, "PMULAB_PLUGIN": str(tmp_path / "absent.so")}
    args = [str(pmulab), "run", "--tcg", "--set", "suite=none", "--format", "json"]
    proc = subprocess.run(args + ["--out", str(tmp_path / "a")], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "a" / "reference.txt").exists()
    assert not [r for r in records(tmp_path / "a") if r["type"] == "reference"]
    proc = subprocess.run(args + ["--reference", "--out", str(tmp_path / "b")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1
    assert "--reference: no plugin at " + str(tmp_path / "absent.so") in proc.stderr
    assert not (tmp_path / "b" / "serial.log").exists()


def test_merged_run_keeps_every_payload_record(ref):
    recs = records(ref)
    payload = records_in((ref / "serial.log").read_bytes())
    types = [r["type"] for r in recs]
    end = types.index("end")
    # The payload's records first, byte for byte (their CRCs re-checked by
    # records_in), then the plugin's, numbered on after the end record.
    assert recs[:end + 1] == payload
    assert [r["seq"] for r in recs] == list(range(len(recs)))
    assert types[end + 1] == "reference"
    regions = int(recs[end + 1]["fields"]["regions"])
    benches = [r["fields"] for r in payload if r["type"] == "bench" and "region0" in r["fields"]]
    assert int(recs[end + 1]["fields"]["benches"]) == len(benches)
    # Every bench's regions are numbered in order: (warm-up + runs) x 2 each
    # (x 1 for the single overhead bench), and they add up to the plugin's.
    total = 0
    for b in benches:
        assert int(b["region0"]) == total
        total += (int(b["warmup"]) + int(b["runs"])) * (1 if b["method"] == "single" else 2)
    assert total == regions
    assert all(r["type"] == "counter" and r["fields"]["src"] == "model"
               for r in recs[end + 2:])


@pytest.mark.parametrize("name", QUICK)
def test_model_instructions_equal_icount(ref, name):
    recs = records(ref)
    bench = next(r["fields"] for r in recs if r["type"] == "bench" and r["fields"]["name"] == name)
    icount = next(r["fields"] for r in recs if r["type"] == "counter" and
                  r["fields"]["bench"] == name and r["fields"]["src"] == "icount")
    want = expected_iters(bench) * per_iter(bench)
    assert model(recs, name, "instructions") == (want, want, want)
    assert int(icount["value"]) == want


@pytest.mark.parametrize("name", QUICK)
def test_model_branches_and_accesses_exact(ref, name):
    recs = records(ref)
    bench = next(r["fields"] for r in recs if r["type"] == "bench" and r["fields"]["name"] == name)
    iters = expected_iters(bench)
    for event, n in per_iter_counts(bench).items():
        want = n * iters
        assert model(recs, name, event) == (want, want, want), event
    # The payload's own metadata says the same about all branches.
    assert model(recs, name, "branches")[0] == int(bench["branches"]) * iters


def test_model_taken_branches(ref):
    recs = records(ref)
    # A loop's JNZ is taken every iteration but the last of a call: n2 - n1.
    for name, iters in (("loop", 10000), ("nop8", 10000), ("chase-64KiB", 4096),
                        ("calls-4", 10000)):
        assert model(recs, name, "branches-conditional-taken") == (iters, iters, iters), name
    # The branch kernel adds its pattern: always taken, or every other one
    # (the pattern restarts each call: n1 = 10000 iterations take 5000).
    assert model(recs, "branch-always", "branches-conditional-taken")[0] == 20000
    assert model(recs, "branch-alternate", "branches-conditional-taken")[0] == 15000


# The shape of the default run's curves from first principles, with the
# tolerances each allows (docs/reference-plugin.md):
# - a random chase over a working set that fits a level misses it only on a
#   line's first touch, the same at n1 and n2: 0 misses per access, exactly;
# - past a level's size, a random chase is a cycle of more lines per set than
#   the set has ways, which LRU misses on every access: 1 per access, exactly;
# - the random branch pattern is 4096 fair coin flips (mb_pattern_init,
#   microbench/kernels.c), far more than 7 bits of history can learn: its
#   branch mispredicts half the time, 0.5 +- RANDOM_MISS_TOL over the 10,000
#   iterations (a binomial standard deviation of 0.005: TOL is ten of
#   them), while the loop's own branch is always predicted.
RANDOM_MISS_TOL = 0.05
D1_SIZE, LL_SIZE = 32768, 8388608


def chase_ws(name):
    size = name.split("-")[1]
    return int(size[:-3]) * (1024 if size.endswith("KiB") else 1024 * 1024)


def test_model_cache_misses(ref):
    """Chase and stream against 32 KiB 8-way D1 and 8 MiB LL, LRU, every
    region starting with empty caches: the quick sweep crosses both."""
    recs = records(ref)
    chases = [n for n in QUICK if n.startswith("chase-")]
    assert {chase_ws(n) <= D1_SIZE for n in chases} == {True, False}
    assert {chase_ws(n) <= LL_SIZE for n in chases} == {True, False}
    for name in chases:
        loads = model(recs, name, "L1-dcache-loads")[0]
        for event, size in (("L1-dcache-load-misses", D1_SIZE), ("LLC-load-misses", LL_SIZE)):
            want = loads if chase_ws(name) > size else 0
            assert model(recs, name, event) == (want, want, want), (name, event)
    # A stride of 64 or 4160 over 1 MiB touches a new line every load.
    for name in ("stream-64-1MiB", "stream-4160-1MiB"):
        loads = model(recs, name, "L1-dcache-loads")[0]
        assert model(recs, name, "L1-dcache-load-misses") == (loads, loads, loads), name
    # Streams fit LL, so LL misses only a line's first touch, the same at n1
    # and n2 -- except a stride of 4160 (65 lines, prime to the 16384 lines
    # of 1 MiB): n2 touches 8192 lines, n1 4096.
    for name in ("stream-64-1MiB", "stream-4160-1MiB"):
        want = 4096 if name == "stream-4160-1MiB" else 0
        assert model(recs, name, "LLC-load-misses") == (want, want, want), name


def test_model_branch_predictor_learns_periods(ref):
    """Misses per iteration (one patterned branch an iteration): a fair coin
    is mispredicted half the time; a repeating pattern is learnt (always,
    alternate, short periods exactly), so random > period-32 > always."""
    recs = records(ref)
    iters = {b["fields"]["name"]: int(b["fields"]["iters"]) for b in recs
             if b["type"] == "bench" and "iters" in b["fields"]}

    def rate(name):
        return model(recs, name, "branch-misses")[0] / iters[name]

    assert abs(rate("branch-random") - 0.5) <= RANDOM_MISS_TOL
    for name in ("branch-always", "branch-alternate", "branch-period-4"):
        assert model(recs, name, "branch-misses") == (0, 0, 0), name
    assert rate("branch-random") > rate("branch-period-32") > rate("branch-always")


def test_plot_draws_the_model(ref, pmulab, tmp_path):
    """The default TCG run's plots: the model's misses per load rise across
    its L1d and LL sizes (both marked), and its branch misses order the
    patterns; the titles say the source."""
    proc = subprocess.run([str(pmulab), "plot", str(ref), "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "chase.dat").read_text().splitlines()
    cols = lines[1].lstrip("# ").split()
    rows = {l.split(" # ")[1]: dict(zip(cols, l.split(" # ")[0].split()))
            for l in lines[2:] if l and not l.startswith("#")}
    l1, ll = "model_L1-dcache-load-misses_per_load", "model_LLC-load-misses_per_load"
    assert float(rows["chase-32KiB"][l1]) == 0 and float(rows["chase-64KiB"][l1]) == 1
    assert float(rows["chase-8MiB"][ll]) == 0 and float(rows["chase-16MiB"][ll]) == 1
    gp = (tmp_path / "chase.gp").read_text()
    assert "reference model" in gp and "'model L1d 32K'" in gp and "'model LL 8M'" in gp
    # No curve the CPU measured: its own caches are not marked.
    assert "CPU L" not in gp
    branch = (tmp_path / "branch.gp").read_text()
    assert "(reference model: cachegrind predictor)" in branch
    assert "no branch predictor is modelled" not in branch


def test_report_reads_the_merged_run(ref, pmulab):
    proc = subprocess.run([str(pmulab), "report", str(ref)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "branches-conditional" in proc.stdout and "model" in proc.stdout


@pytest.mark.parametrize("args,message", [
    (["--kvm"], "--reference needs TCG"),
    (["--D1", "32768,8,8"], "line size must be a power of two of at least 16 bytes"),
    (["--LL", "12345"], "not SIZE,ASSOC,LINE"),
    (["--I1", "32768,8,32"], "one line size"),
])
def test_bad_reference_options(pmulab, tmp_path, args, message):
    proc = subprocess.run([str(pmulab), "run", "--reference", "--out", str(tmp_path / "r"),
                           *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr


# What cachegrind models, under the names both sides give it (the plugin
# and `pmulab linux`'s valgrind fallback, docs/crosscheck.md).
CACHEGRIND_EVENTS = ["branches-conditional", "branch-misses-conditional", "branches-indirect",
                     "branch-misses-indirect", "branch-misses", "L1-dcache-loads",
                     "L1-dcache-load-misses", "L1-dcache-stores", "L1-dcache-store-misses",
                     "L1-icache-load-misses", "LLC-load-misses", "cache-references",
                     "cache-misses"]


@pytest.fixture(scope="module")
def cachegrind(linux_run):
    """The quick suite's kernels under cachegrind, with the plugin's geometry."""
    run = linux_run("--valgrind")
    assert run.rc == 0, run.stderr
    return run.dir


def compare(pmulab, a, b, *args):
    return subprocess.run([str(pmulab), "compare", str(a), str(b), *args],
                          capture_output=True, text=True)


def test_plugin_equals_cachegrind(pmulab, ref, cachegrind):
    """Both are exact models of the same bytes with the same geometry and
    policy, each measured call starting cold: every modelled count of every
    kernel is equal, with no tolerance."""
    import json
    proc = compare(pmulab, ref, cachegrind, "--format", "json")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    rows = {(r["bench"], r["event"]): r for r in json.loads(proc.stdout)["rows"]
            if r["kind"] == "counter"}
    for name in QUICK:
        for event in CACHEGRIND_EVENTS:
            r = rows[(name, event)]
            assert (r["src_a"], r["src_b"], r["verdict"]) == ("model", "model", "match"), r
        # Instructions: the payload's icount against callgrind's.
        r = rows[(name, "instructions")]
        assert (r["src_a"], r["src_b"], r["verdict"]) == ("icount", "valgrind", "match"), r
    cg = [c["fields"] for c in records(cachegrind) if c["type"] == "counter" and
          c["fields"]["src"] == "model"]
    assert cg and all((c["I1"], c["D1"], c["LL"]) ==
                      ("32768,8,64", "32768,8,64", "8388608,16,64") for c in cg)
    print(f"{len(QUICK)} kernels x {len(CACHEGRIND_EVENTS)} cachegrind events matched exactly")


def test_a_perturbed_model_count_differs(pmulab, ref, cachegrind, tmp_path):
    """One conditional branch more in the plugin's count is a DIFFER, named."""
    import re
    import shutil
    import zlib
    copy = tmp_path / "perturbed"
    shutil.copytree(ref, copy, ignore=shutil.ignore_patterns("esp*", "*.fd"))
    lines = (copy / "records.txt").read_text().splitlines()
    hit = [i for i, l in enumerate(lines) if re.search(
        r" counter bench=branch-period-8 event=branches-conditional src=model value=20000 ", l)]
    assert len(hit) == 1
    body = lines[hit[0]][: lines[hit[0]].rindex(" *")].replace("value=20000", "value=20001")
    lines[hit[0]] = f"{body} *{zlib.crc32(body.encode()):08x}"
    (copy / "records.txt").write_text("\n".join(lines) + "\n")
    proc = compare(pmulab, copy, cachegrind)
    assert proc.returncode == 4, proc.stdout[-2000:] + proc.stderr
    assert ("DIFFER: branch-period-8 branches-conditional: A 20001 (model), B 20000 (model)"
            in proc.stderr)
