"""pmulab run --reference: the TCG reference plugin (host/qemu-plugin/) counts
each measured region of the quick suite, and its counts, merged as
`counter src=model` records, equal what is known exactly: the icount
instruction counts, and the branches, loads and stores written from the .asm
files (independently of microbench/kernels.c, as in test_microbench.py)."""
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


@pytest.fixture(scope="module")
def ref(pmulab, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "run"
    proc = subprocess.run([str(pmulab), "run", "--reference", "--out", str(out), "--format",
                           "json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


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


def test_model_cache_misses(ref):
    """Chase and stream against 32 KiB 8-way D1 and 8 MiB LL, LRU, every
    region starting with empty caches."""
    recs = records(ref)
    # Working sets of 64 KiB and more are a cycle of 16+ lines per 8-way
    # set in one fixed order: LRU misses every load. A stride of 64 or 4160
    # over 1 MiB touches a new line every load.
    for name in ("chase-64KiB", "chase-128KiB", "chase-256KiB", "chase-512KiB", "chase-1MiB",
                 "stream-64-1MiB", "stream-4160-1MiB"):
        loads = model(recs, name, "L1-dcache-loads")[0]
        assert model(recs, name, "L1-dcache-load-misses") == (loads, loads, loads), name
    # D1 or less: n1 and n2 both miss each line once, then hit.
    for name in ("chase-4KiB", "chase-8KiB", "chase-16KiB", "chase-32KiB"):
        assert model(recs, name, "L1-dcache-load-misses") == (0, 0, 0), name
    # Everything of the quick suite fits LL, so LL misses only a line's first
    # touch, the same at n1 and n2 -- except a stride of 4160 (65 lines,
    # prime to the 16384 lines of 1 MiB): n2 touches 8192 lines, n1 4096.
    for name in QUICK:
        want = 4096 if name == "stream-4160-1MiB" else 0
        assert model(recs, name, "LLC-load-misses") == (want, want, want), name


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
