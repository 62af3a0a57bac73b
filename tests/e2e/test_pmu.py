"""suite=pmu-check booted under QEMU: TCG has no PMU, so every hardware check
skips with the probe's reason and every counter record is src=none, while the
known loops' instruction counts come out exact through -icount's RDTSC."""
import re
import subprocess

import pytest

from conftest import records_in

# (N2 - N1) iterations of each known loop (kernel-side/pmu/pmu_check.c) times its
# instructions per iteration (microbench/loops.asm).
ITERS = 2000
KERNELS = {"loop": 2, "nop8": 10}
HW_CHECKS = [
    "pmu.instructions.fixed", "pmu.instructions.gp", "pmu.branches", "pmu.cycles",
    "pmu.ref-cycles", "pmu.branch-misses", "pmu.llc-references", "pmu.llc-misses",
    "pmu.all-counters", "pmu.cmask", "pmu.disabled.en",
    "pmu.disabled.global", "pmu.os", "pmu.usr", "pmu.width", "pmu.width.truncate",
    "pmu.fw-write", "pmu.fw-write.reserved", "pmu.running-write", "pmu.running-write.status",
    "pmu.amd.legacy-alias", "pmu.rdpmc.gp", "pmu.rdpmc.fixed",
    "pmu.overflow.wrap", "pmu.overflow.status", "pmu.overflow.clear",
    "pmu.overflow.fixed.wrap", "pmu.overflow.fixed.status", "pmu.overflow.fixed.clear",
    "pmu.overflow.pmi",
]
DEFAULT_EVENTS = ["cycles", "instructions", "ref-cycles", "branches", "branch-misses",
                  "cache-references", "cache-misses", "L1-dcache-loads",
                  "L1-dcache-load-misses"]


@pytest.mark.parametrize("cpu,reason", [
    ("Skylake-Client", "no-arch-pmu"),
    ("EPYC", "counter-does-not-hold-writes"),
])
def test_pmu_check_under_tcg(boot, cpu, reason):
    run = boot(cpu=cpu)
    assert run.rc == 0, run.stderr
    assert run.first("end")["status"] == "ok"
    checks = {c["name"]: c for c in run.all("check")}
    assert not [c for c in checks.values() if c["result"] == "fail"]
    for name in HW_CHECKS:
        assert checks[name] == {"name": name, "result": "skip", "section": "pmu-check",
                                "reason": reason}
    # TCG has no RDPMC: every index raises #UD, not the #GP a missing counter
    # gets, so the check says so instead of passing or failing.
    assert checks["pmu.rdpmc.invalid"] == {"name": "pmu.rdpmc.invalid", "result": "skip",
                                           "section": "pmu-check", "reason": "rdpmc-raises-ud"}
    # TCG offers no RTM, on either CPU: the transactional workload never runs.
    assert checks["pmu.tsx-cycles"] == {"name": "pmu.tsx-cycles", "result": "skip",
                                        "section": "pmu-check", "reason": "no-rtm"}
    pmu_checks = [n for n in checks if n.startswith("pmu.") and not n.startswith("pmu.icount.")]
    assert sorted(pmu_checks) == sorted(HW_CHECKS + ["pmu.rdpmc.invalid", "pmu.tsx-cycles"])
    for kernel, per_iter in KERNELS.items():
        icount = checks[f"pmu.icount.{kernel}"]
        assert icount["result"] == "pass"
        assert icount["value"] == icount["expect"] == str(ITERS * per_iter)
    assert checks["msr-restore"] == {"name": "msr-restore", "result": "skip", "section": "pmu-check",
                                     "reason": "no-msr-written"}
    assert run.first("check", name="owned.restore.pmu-check", section="pmu-check")["result"] == "pass"

    for kernel, per_iter in KERNELS.items():
        bench = run.first("bench", name=f"check-{kernel}")
        assert bench["suite"] == "pmu-check" and bench["iters"] == str(ITERS)
        assert bench["groups"] == "0"
        # Under -icount shift 5 the TSC is 32 ticks an instruction, exactly.
        assert bench["tsc_min"] == bench["tsc_max"] == str(ITERS * per_iter * 32)
        counters = [c for c in run.all("counter") if c["bench"] == f"check-{kernel}"]
        assert [c["event"] for c in counters] == DEFAULT_EVENTS + ["instructions"]
        for c in counters[:-1]:
            assert c == {"bench": f"check-{kernel}", "event": c["event"], "src": "none",
                         "reason": reason}
        assert counters[-1] == {"bench": f"check-{kernel}", "event": "instructions",
                                "src": "icount", "value": str(ITERS * per_iter),
                                "shift": "5"}


def test_icount_shift_follows_the_launch(boot):
    """A different -icount shift changes the ticks, never the count."""
    run = boot(icount=3)
    assert run.rc == 0, run.stderr
    assert run.first("config")["icount_shift"] == "3"
    assert run.first("bench", name="check-loop")["tsc_min"] == str(ITERS * 2 * 8)
    assert run.first("counter", bench="check-loop", src="icount")["value"] == str(ITERS * 2)
    assert run.first("check", name="pmu.icount.nop8")["result"] == "pass"


def test_events_and_suite_from_config(boot):
    run = boot("events=raw:0x1c4,ref-cycles,LLC-loads", "suite=pmu-check")
    assert run.rc == 0, run.stderr
    assert run.first("config")["events"] == "raw:0x1c4,ref-cycles,LLC-loads"
    names = [c["event"] for c in run.all("counter") if c["bench"] == "check-loop"]
    assert names == ["raw:0x1c4", "ref-cycles", "LLC-loads", "instructions"]

    # suite=none: capabilities and self-checks only.
    run = boot("suite=none")
    assert run.rc == 0, run.stderr
    assert run.first("config")["suite"] == "none"
    assert not run.all("bench") and not run.all("counter")
    assert not [c for c in run.all("check") if c["name"].startswith("pmu.")]


@pytest.mark.parametrize("line,detail", [
    ("events=cycles,bogus", "unknown-event: bogus"),
    ("events=raw:0xfffffffffffff", "raw-reserved-bits: raw:0xfffffffffffff"),
    ("suite=everything",
     "expected none or a comma-separated list of pmu-check|quick|full|ftrace|probes|sample"),
])
def test_bad_events_and_suites_are_refused_before_the_boot(refused, line, detail):
    proc = refused(line)
    assert f"'{line}': {line.split('=')[0]}: bad-value: {detail}" in proc.stderr


def test_report_shows_perf_stat_tables(boot, pmulab):
    run = boot()
    assert run.rc == 0
    text = subprocess.run([str(pmulab), "report", str(run.dir / "results.txt"),
                           "--format", "perf-stat"], capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    assert " Performance counter stats for bench 'check-loop' (suite pmu-check, 3 runs):" in text.stdout
    assert "<not supported>      cycles" in text.stdout
    assert "4,000      instructions               # icount" in text.stdout
    csv = subprocess.run([str(pmulab), "report", str(run.dir / "results.txt"),
                          "--format", "csv"], capture_output=True, text=True)
    assert csv.returncode == 0, csv.stderr
    lines = csv.stdout.splitlines()
    assert "20000,,instructions,0,100.00,,,check-nop8,icount" in lines
    assert "<not supported>,,cycles,0,100.00,,,check-nop8,none" in lines


NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def perf_stat_csv_row(line):
    """A line read as a strict `perf stat -x,` (6.1) reader does: value (a
    number, <not supported> or <not counted>), unit, event, run-time (a whole
    number, 0 when not counted), percentage (NN.NN), metric value and metric
    unit (both or neither); then pmulab's bench and src columns."""
    f = line.split(",")
    assert len(f) == 9, line
    value, unit, event, runtime, pct, mval, munit, bench, src = f
    assert value in ("<not supported>", "<not counted>") or re.fullmatch(NUMBER, value), line
    assert unit == "" and event, line
    assert re.fullmatch(r"[0-9]+", runtime), line
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}", pct), line
    assert (mval, munit) == ("", "") or (re.fullmatch(NUMBER, mval) and munit), line
    assert src in ("pmu", "icount", "model", "none", "perf", "valgrind"), line
    return {"value": value, "event": event, "bench": bench, "src": src}


def test_csv_parses_as_perf_stat_and_keeps_source(boot, pmulab):
    """Every row of the default run's csv (the payload's counters and the
    reference model's) parses strictly, with its bench and source."""
    run = boot()
    assert run.rc == 0, run.stderr
    csv = subprocess.run([str(pmulab), "report", str(run.dir / "records.txt"),
                          "--format", "csv"], capture_output=True, text=True)
    assert csv.returncode == 0, csv.stderr
    rows = [perf_stat_csv_row(line) for line in csv.stdout.splitlines()]
    counters = records_in((run.dir / "records.txt").read_bytes())
    counters = [r["fields"] for r in counters if r["type"] == "counter"]
    # Rows come grouped by bench, each counter record once.
    assert sorted((r["bench"], r["event"], r["src"]) for r in rows) == sorted(
        (c["bench"], c["event"], c["src"]) for c in counters)
    assert {r["src"] for r in rows} >= {"icount", "model", "none"}


# The default run's text report, read at a glance, fits a screenful or two
# of a maximized terminal (host/report/glance_table.c TABLE_W).
GLANCE_LINES = 120
GLANCE_WIDTH = 160


def test_default_report_is_a_table_per_suite(boot, pmulab):
    run = boot()
    assert run.rc == 0
    proc = subprocess.run([str(pmulab), "report", str(run.dir)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert len(text.splitlines()) <= GLANCE_LINES, text
    assert max(map(len, text.splitlines())) <= GLANCE_WIDTH, text
    assert "<not supported>" not in text
    assert "\nsuite pmu-check: 2 benches, counts per iteration\n" in text
    # A column an event, each cell from the most direct source that counted
    # it: the loop's 2 instructions exact by icount, its branch by the model.
    [head] = [l.split() for l in text.splitlines() if l.startswith("  bench ")][:1]
    [row] = [l.split() for l in text.splitlines() if l.startswith("  check-loop ")]
    assert head[:3] == ["bench", "instructions", "branches"], head
    assert row[:5] == ["check-loop", "2", "i", "1", "m"], row
    assert head.count("instructions") == 1
    assert "\nsuite quick: " in text
    # Each event nothing counted once, with why, not a row per bench: under
    # TCG the model counts all but the cycles.
    [line] = [l for l in text.splitlines() if l.startswith("not counted: ")]
    assert line == ("not counted: cycles, ref-cycles (no-arch-pmu: this CPU has no "
                    "architectural PMU (CPUID.0AH))")
    assert text.count("ref-cycles") == 1
    # The columns are the events the run asked for (config events=); the
    # model's others are named once, and --verbose gives them columns.
    asked = run.first("config")["events"].split(",")
    [quick] = [l.split() for l in text.splitlines() if l.startswith("  bench ")][1:2]
    assert set(quick[1:]) <= set(asked), quick
    assert "branch-misses" in quick and "L1-dcache-load-misses" in quick
    also = text.split("\nalso counted (--verbose shows them):\n")[1].split("\n\n")[0]
    assert "branches-conditional" in also.replace(",", " ").split()
    assert "branches-conditional" not in quick
    verbose = subprocess.run([str(pmulab), "report", str(run.dir), "--verbose"],
                             capture_output=True, text=True).stdout
    heads = [l.split() for l in verbose.splitlines() if l.startswith("  bench ")]
    assert any("branches-conditional" in h for h in heads)
    tables = verbose.split("\nchecks ")[0]
    assert max(map(len, tables.splitlines())) <= GLANCE_WIDTH
    # Every record stays a --format away.
    assert subprocess.run([str(pmulab), "report", str(run.dir), "--format", "records"],
                          capture_output=True, text=True).stdout.count("\n") > GLANCE_LINES


def test_compare_shows_what_it_could_judge(boot, pmulab):
    run = boot()
    cmp = subprocess.run([str(pmulab), "compare", str(run.dir), str(run.dir)],
                         capture_output=True, text=True)
    assert cmp.returncode == 0, cmp.stderr
    summary = re.search(r"\n(\d+) rows: (\d+) match, 0 within, 0 DIFFER, (\d+) n/a", cmp.stdout)
    rows, match, na = map(int, summary.groups())
    assert match and na and rows == match + na
    assert f"\n{na} n/a rows not shown: nothing to compare (--all lists them)\n" in cmp.stdout
    verdicts = [l.split()[-1] for l in cmp.stdout.splitlines()[4:4 + match]]
    assert verdicts == ["match"] * match
    every = subprocess.run([str(pmulab), "compare", str(run.dir), str(run.dir), "--all"],
                           capture_output=True, text=True)
    assert len(re.findall(r"  n/a( \(|$)", every.stdout, re.M)) == na
    assert "not shown" not in every.stdout


def test_pmu_check_under_kvm(boot):
    """On a KVM host with a vPMU the hardware checks run for real."""
    run = boot(kvm=True)
    if "KVM is not usable" in run.stderr:
        pytest.skip("no usable KVM here: " + run.stderr.strip().splitlines()[-1])
    checks = {c["name"]: c for c in run.all("check")}
    assert not [c for c in checks.values() if c["result"] == "fail"], checks
    if run.first("pmu")["present"] == "1":
        assert checks["pmu.instructions.gp"]["result"] == "pass"
        assert checks["pmu.branches"]["result"] == "pass"
    assert checks["pmu.icount.loop"] == {"name": "pmu.icount.loop", "result": "skip", "section": "pmu-check",
                                         "reason": "no-icount"}


@pytest.mark.parametrize("cpu", ["Skylake-Client", "EPYC"])
def test_skip_pmu_and_lbr_touch_nothing(boot, cpu):
    """skip=pmu,lbr for an unknown machine: no PMU or LBR register written (the
    AMD write probe included), every count src=none with the reason."""
    run = boot("skip=pmu,lbr", "suite=pmu-check", cpu=cpu)
    assert run.rc == 0, run.stderr
    pmu = run.first("pmu")
    assert pmu["present"] == "0" and pmu["reason"] == "skipped-by-config"
    if cpu == "EPYC":
        assert pmu["probe"] == "skipped"
    lbr = run.first("lbr")
    assert lbr["present"] == "0" and lbr["reason"] == "skipped-by-config"
    assert run.first("check", name="owned.restore.caps", section="caps")["msrs_restored"] == "0"
    for c in run.all("counter"):
        assert c["src"] == "icount" or c["reason"] == "skipped-by-config"
    assert run.first("check", name="pmu.width")["reason"] == "skipped-by-config"
    assert run.first("check", name="pmu.rdpmc.invalid")["reason"] == "skipped-by-config"
