"""suite=quick under QEMU TCG: every kernel's retired-instruction count, read
exactly from -icount's RDTSC after the two-count subtraction, equals its
formula. The formulas here are written from the .asm files independently of
the payload's metadata (microbench/kernels.c)."""
import pytest

# Instructions per iteration, counted in microbench/*.asm.
PER_ITER = {
    "loop": 2,          # dec, jnz
    "nop8": 10,         # 8 nop, dec, jnz
    "add-dep": 10,      # 8 add, dec, jnz
    "add-indep": 10,
    "chase": 3,         # mov, dec, jnz
    "stream": 5,        # add, add, and, dec, jnz
    "branch": 10,       # movzx, test, jnz, add, jmp, inc, cmp, cmovae, dec, jnz
}
BRANCHES_PER_ITER = {"loop": 1, "nop8": 1, "add-dep": 1, "add-indep": 1, "chase": 1,
                     "stream": 1, "branch": 3}


def per_iter(bench):
    if bench["family"] == "calls":
        return 2 * int(bench["depth"]) + 2      # d calls, d rets, dec, jnz
    return PER_ITER[bench["family"]]


def expected_iters(bench):
    """n2 - n1: a memory kernel covers its working set at least once."""
    fam = bench["family"]
    if fam == "chase":
        return max(int(bench["ws"]) // 64, 4096)
    if fam == "stream":
        return max(int(bench["ws"]) // int(bench["stride"]), 4096)
    return 10000


QUICK = (["loop", "nop8", "add-dep", "add-indep"]
         + [f"chase-{s}" for s in ("4KiB", "8KiB", "16KiB", "32KiB", "64KiB", "128KiB",
                                   "256KiB", "512KiB", "1MiB", "2MiB", "4MiB", "8MiB",
                                   "16MiB")]
         + ["stream-64-1MiB", "stream-4160-1MiB", "branch-always", "branch-alternate",
            "branch-period-4", "branch-period-8", "branch-period-16", "branch-period-32",
            "branch-random", "calls-1", "calls-4", "calls-16"])


@pytest.fixture(scope="module")
def quick(boot):
    """The default boot (suite=pmu-check,quick)."""
    run = boot()
    assert run.rc == 0, run.stderr
    return run


def test_quick_suite_plan(quick):
    names = [b["name"] for b in quick.all("bench") if b.get("suite") == "quick"]
    assert names == ["overhead"] + QUICK
    assert quick.first("end")["status"] == "ok"
    assert not [c for c in quick.all("check") if c["result"] == "fail"]


@pytest.mark.parametrize("name", QUICK)
def test_kernel_instructions_exact(quick, name):
    bench = quick.first("bench", name=name, suite="quick")
    iters = expected_iters(bench)
    assert bench["method"] == "difference"
    assert int(bench["n2"]) - int(bench["n1"]) == int(bench["iters"]) == iters
    assert int(bench["insns"]) == per_iter(bench)
    if bench["family"] != "calls":
        assert int(bench["branches"]) == BRANCHES_PER_ITER[bench["family"]]
    want = iters * per_iter(bench)
    # Every run took the same number of ticks: 32 an instruction (shift 5).
    assert bench["tsc_min"] == bench["tsc_max"] == str(want * 32)
    icount = quick.first("counter", bench=name, src="icount")
    assert icount["value"] == str(want) and icount["shift"] == "5"
    check = quick.first("check", name=f"icount.{name}")
    assert check == {"name": f"icount.{name}", "result": "pass", "section": "benches",
                     "value": str(want),
                     "expect": str(want)}
    # Under TCG no event is counted, and each says why.
    for c in quick.all("counter"):
        if c["bench"] == name and c["src"] != "icount":
            assert c["src"] == "none" and c["reason"] == "no-arch-pmu"


def test_memory_benches_say_where_they_ran(quick):
    for name in QUICK:
        bench = quick.first("bench", name=name, suite="quick")
        if bench["family"] not in ("chase", "stream"):
            continue
        # UEFI pages, mapped by the firmware's page tables: 4 KiB, 2 MiB or 1 GiB.
        assert int(bench["buf"], 16) > 0
        assert bench["page_size"] in ("4096", "2097152", "1073741824")
        assert name.endswith(f"-{int(bench['ws']) // 1024}KiB") or \
            name.endswith(f"-{int(bench['ws']) // 1048576}MiB")


def test_method_overhead_is_measured(quick):
    """One measurement of an empty kernel: what start, stop and the call cost,
    exactly the same in every run under -icount."""
    bench = quick.first("bench", name="overhead")
    assert bench["method"] == "single" and bench["iters"] == "1"
    assert bench["tsc_min"] == bench["tsc_max"]
    insns = int(quick.first("counter", bench="overhead", src="icount")["value"])
    assert int(bench["tsc_min"]) == insns * 32
    assert 2 <= insns < 200


def test_custom_benches(boot):
    run = boot("suite=none", "benches=chase:2MiB,branch:12,calls:8,stream:256@64KiB",
               "events=instructions")
    assert run.rc == 0, run.stderr
    benches = run.all("bench")
    assert [b["name"] for b in benches] == ["chase-2MiB", "branch-period-12", "calls-8",
                                            "stream-256-64KiB"]
    assert all(b["suite"] == "custom" for b in benches)
    for b in benches:
        want = expected_iters(b) * per_iter(b)
        assert run.first("check", name=f"icount.{b['name']}")["value"] == str(want)
    assert run.first("bench", name="branch-period-12")["seed"] == "1"


def test_seed_changes_nothing_countable(boot):
    """Another seed is another order and pattern, never another count."""
    run = boot("suite=none", "benches=chase:64KiB,branch:random", "seed=99")
    assert run.rc == 0, run.stderr
    assert run.first("check", name="icount.chase-64KiB")["value"] == str(4096 * 3)
    assert run.first("check", name="icount.branch-random")["value"] == str(10000 * 10)


@pytest.mark.parametrize("line,detail", [
    ("benches=chase:3KiB", "size-not-power-of-2-4KiB-to-1GiB: chase:3KiB"),
    ("benches=memcpy", "unknown-kernel: memcpy"),
    ("benches=calls:5", "depth-not-1-2-4-8-16: calls:5"),
])
def test_bad_bench_specs_are_refused_before_the_boot(refused, line, detail):
    proc = refused("suite=none", line)
    assert f"'{line}': benches: bad-value: {detail}" in proc.stderr


def test_plot_and_html_from_a_tcg_run(quick, pmulab, tmp_path):
    """The sweeps draw from a TCG run; their titles say the timing is emulated."""
    import subprocess
    proc = subprocess.run([str(pmulab), "plot", str(quick.dir), "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    chase = (tmp_path / "chase.svg").read_text()
    assert "<svg" in chase and "QEMU TCG" in chase
    data = (tmp_path / "chase.dat").read_text()
    assert len([l for l in data.splitlines() if l and not l.startswith("#")]) == 13
    assert "<svg" in (tmp_path / "branch.svg").read_text()
    proc = subprocess.run([str(pmulab), "plot", str(quick.dir), "--out", str(tmp_path / "png"),
                           "--format", "png"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "png" / "chase.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page = subprocess.run([str(pmulab), "report", str(quick.dir), "--format", "html"],
                          capture_output=True, text=True)
    assert page.returncode == 0, page.stderr
    html = page.stdout
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
    assert "chase-1MiB" in html and "pmu.icount.loop" in html
