"""Sampling under QEMU TCG: no PMU, so the LAPIC timer interrupts the
workload of microbench/sampled.c, whose profile the payload measures exactly
by single-stepping it. Under -icount shift=5,sleep=off the timer and the TSC
advance with instructions, so the sample stream is the same at every boot."""
import re

import pytest

HOT_ITERS, COLD_ITERS = 240, 24      # microbench/sampled.h
PERIOD = 50000                       # sample_period's default, APIC ticks
SHIFT = 5                            # pmulab run --tcg: 32 ticks an instruction
HOT_SHARE_MIN = 0.85                 # check sample.hot-share's floor (docs/sampling.md)
STACK_OUTER = ["sampled_run", "sampled_timed_run", "sample_suite_run", "owned_call",
               "owned_run", "lab_run", "efi_main"]


@pytest.fixture(scope="module")
def sampled(boot):
    run = boot("suite=sample")
    assert run.rc == 0, run.stderr
    return run


def fn(sym):
    return re.sub(r"\+0x[0-9a-f]+$", "", sym)


def samples(run):
    return [r for r in run.all("sample") if r["run"] == "sampled"]


def test_every_check_passes(sampled):
    checks = {c["name"]: c for c in sampled.all("check")}
    for name in ("sample.workload.steps", "sample.hot-share", "sample.stack", "sample.stray"):
        assert checks[name]["result"] == "pass", checks[name]
    restore = sampled.first("check", name="owned.restore.sample", section="sample")
    assert restore["result"] == "pass"
    # SPIV, TPR, the six LVT entries of a version-0x14 APIC, TDCR, TMICT.
    assert restore["lapic_restored"] == "10" and restore["lapic_mismatched"] == "0"
    assert sampled.first("end")["status"] == "ok"


def test_workload_profile_is_exact(sampled):
    """hot() and cold() run 6 instructions of set-up and return and 4 a loop
    step; work() 7 of its own, sampled_run's loop 5 (docs/sampling.md). The
    single-stepped count agrees with the icount one."""
    w = sampled.first("sample_workload", run="sampled")
    assert int(w["hot_insns"]) == 6 + 4 * HOT_ITERS
    assert int(w["cold_insns"]) == 6 + 4 * COLD_ITERS
    assert int(w["work_insns"]) == 7 and int(w["sampled_run_insns"]) == 5
    assert int(w["insns_per_iter"]) == 1080
    icount = sampled.first("counter", bench="sample-work", src="icount")
    assert int(icount["value"]) == 100 * 1080


def test_timer_samples_find_hot(sampled):
    head = sampled.first("sampling", run="sampled")
    assert head["src"] == "timer" and head["unit"] == "apic-ticks"
    assert head["period"] == str(PERIOD) and head["stack_src"] == "fp"
    assert head["lost"] == "0" and head["random"] == "0"
    recs = samples(sampled)
    assert len(recs) == int(head["samples"]) > 1000
    assert [int(r["idx"]) for r in recs] == list(range(len(recs)))
    shares = {}
    for r in recs:
        shares[fn(r["sym"])] = shares.get(fn(r["sym"]), 0) + 1
    hot = shares["hot"] / len(recs)
    stepped = int(sampled.first("sample_workload")["hot_permille"]) / 1000
    assert hot >= HOT_SHARE_MIN
    assert abs(hot - stepped) < 0.02, (hot, stepped)
    assert abs(shares["cold"] / len(recs) - 102 / 1080) < 0.02


def test_samples_per_period(sampled):
    """A periodic timer counts the handler's instructions too: the samples are
    the run's whole length over the period, to the tick."""
    cost = sampled.first("sample_cost", run="sampled")
    n = int(sampled.first("sampling")["samples"])
    assert int(cost["interrupts"]) == n
    ticks = (int(cost["run_insns"]) + int(cost["insns_total"])) << SHIFT
    assert abs(ticks // PERIOD - n) <= 1
    assert 100 < int(cost["insns_per_sample"]) < 1000


def test_stacks_are_the_call_chain(sampled):
    """Innermost caller first: a hot() or cold() sample was called by work(),
    which sampled_run() called, down to efi_main; each caller is named by its
    return address, one per call site."""
    folded, sites, bases = {}, {"hot": set(), "cold": set()}, {}
    for r in samples(sampled):
        leaf = fn(r["sym"])
        if leaf not in sites:
            continue
        stack = r["stack"].split(",")
        assert [fn(s) for s in stack] == ["work"] + STACK_OUTER, r
        assert r["stack_src"] == "fp"
        # Each caller's return address, frame for frame: one function, one
        # start address (the address less the symbol's offset).
        ips = [int(a, 16) for a in r["stack_ip"].split(",")]
        assert len(ips) == len(stack), r
        for sym, ip in zip(stack, ips):
            bases.setdefault(fn(sym), set()).add(ip - int(sym.rsplit("+", 1)[1], 16))
        sites[leaf].add(stack[0])
        key = ";".join(reversed([fn(s) for s in stack])) + ";" + leaf
        folded[key] = folded.get(key, 0) + 1
    assert set(folded) == {
        "efi_main;lab_run;owned_run;owned_call;sample_suite_run;sampled_timed_run;sampled_run;work;hot",
        "efi_main;lab_run;owned_run;owned_call;sample_suite_run;sampled_timed_run;sampled_run;work;cold"}
    assert len(sites["hot"]) == len(sites["cold"]) == 1 and sites["hot"] != sites["cold"]
    assert all(len(b) == 1 for b in bases.values()), bases


def test_perf_script_frames_carry_addresses(sampled, pmulab):
    """perf script text: every frame of a sample with a stack has its address."""
    import subprocess
    proc = subprocess.run([str(pmulab), "report", str(sampled.dir), "--format", "perf-script"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    frames = [l for l in proc.stdout.splitlines() if l.startswith("\t")]
    assert frames and not [l for l in frames if l.split()[0] == "0"], frames[:20]


def test_two_boots_give_the_same_stream(sampled, boot):
    again = boot("suite=sample", fresh=True)
    assert again.rc == 0, again.stderr

    def stream(run):
        keep = ("sampling", "sample", "sample_cost", "sample_workload")
        return [(r["type"], r["fields"]) for r in run.records if r["type"] in keep]

    assert stream(again) == stream(sampled)
    # and the same bytes on the wire
    lines = [l for l in (again.dir / "serial.log").read_bytes().split(b"\n")
             if re.match(rb"@PL1 \d+ sample ", l)]
    first = [l for l in (sampled.dir / "serial.log").read_bytes().split(b"\n")
             if re.match(rb"@PL1 \d+ sample ", l)]
    assert lines == first


def test_random_periods(boot):
    """sample_random=on: a one-shot timer reloaded with a period drawn from
    period +- 1/8 by each tick; still the same profile."""
    run = boot("suite=sample", "sample_random=on")
    assert run.rc == 0, run.stderr
    head = run.first("sampling")
    assert head["random"] == "1" and head["src"] == "timer"
    assert run.first("check", name="sample.hot-share")["result"] == "pass"
    assert run.first("check", name="sample.stack")["result"] == "pass"
    # One-shot: the handler's own time is not in the period, so fewer
    # samples than the periodic run over the same workload.
    cost = run.first("sample_cost")
    assert abs((int(cost["run_insns"]) << SHIFT) // PERIOD - int(head["samples"])) < 60


def test_pmi_without_a_pmu_says_why(boot):
    run = boot("suite=sample", "sample_src=pmi")
    assert run.rc == 0, run.stderr
    head = run.first("sampling")
    assert head["src"] == "none" and head["reason"] == "no-arch-pmu"
    assert head["samples"] == "0" and head["unit"] == "cycles"
    assert not samples(run)
    assert run.first("check", name="sample.hot-share") == {
        "name": "sample.hot-share", "result": "skip", "section": "sample",
        "reason": "no-arch-pmu"}
    assert run.first("end")["status"] == "ok"


def test_bad_period_is_refused_before_the_boot(refused):
    proc = refused("suite=none", "sample_period=10")
    assert "sample_period: bad-value: expected 1000..2147483647" in proc.stderr
