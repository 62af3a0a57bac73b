"""INT3 probes, probes through the tracer's CALL and jump-optimized ones,
return probes and debug-register breakpoints under QEMU TCG (suite=probes):
hit counts are exact, probed functions return what they return unprobed,
every path shows its handlers the INT3 path's frame, the code is
byte-for-byte restored, and what a hit costs is an exact instruction count
under -icount (32 TSC ticks an instruction), as docs/probes.md tabulates."""
import os
import re
import subprocess

import pytest

from conftest import ROOT

CALLS = 30000      # as pmulab linux --probes by default, for compare
TARGET_CALLS = 64
WATCH_N = 100

# kvm-unit-tests x86/debug.c's cases (kernel-side/probes/dbcase.c): the #DB
# and #BP log the SDM gives, "+N:COND" a #DB N bytes past the case's start
# with DR6's conditions, which TCG gives too.
DB_SDM = {
    "ss-basic": "+0:BS +1:BS +2:BS",
    "ss-emulated": "+0:BS +1:BS +4:BS +6:BS +11:BS +12:BS +13:BS",
    "ss-movss": "+0:BS +1:BS +2:BS",
    "int3": "+0:#BP",
    "exec-dr2": "+0:B2",
    "exec-dr2-bs-kept": "+0:B2|BS",
    "watch-bs-kept": "+0:B1|BS",
    "watch-bs-not-set": "+0:B1",
    "split-lock": "-",
}
# Where QEMU 7.2 TCG departs from the SDM: each case is a skip naming what
# TCG does not model, its value TCG's exact log, its expect the SDM's. STI's
# shadow (and HLT's wake-up) hold off the single step; ICEBP is #UD (QEMU
# builds it only with WANT_ICEBP); DR7.GD raises nothing; MOV SS holds off
# single steps but delivers a data breakpoint's #DB at once.
DB_TCG = {
    "ss-sti": ("tcg-sti-shadow-blocks-step", "+6:BS +7:BS +8:BS", "+0:BS +6:BS +7:BS +8:BS"),
    "ss-sti-hlt": ("tcg-sti-shadow-and-hlt-wake-block-step", "+7:BS +8:BS +9:BS",
                   "+0:BS +1:BS +7:BS +8:BS +9:BS"),
    "ss-movss-icebp": ("tcg-icebp-undefined", "-1:#UD +0:#UD +7:BS +8:BS +9:BS",
                       "+0:none +1:none +7:BS +8:BS +9:BS"),
    "icebp": ("tcg-icebp-undefined", "-1:#UD", "+0:none"),
    "ss-movss-gd": ("tcg-no-general-detect", "+3:BS +9:BS +10:BS +11:BS",
                    "+0:BD +3:BS +9:BS +10:BS +11:BS"),
    "movss-watch-icebp": ("tcg-movss-does-not-hold-data-breakpoints", "+0:B1 +0:#UD", "+3:B1"),
    "movss-watch-int1": ("tcg-movss-does-not-hold-data-breakpoints", "+0:B1 +2:none",
                         "gate1:B1 +2:none"),
    "movss-watch-int3": ("tcg-movss-does-not-hold-data-breakpoints", "+0:B1 +12:#BP",
                         "gate3:B1 +12:#BP"),
}


@pytest.fixture(scope="module")
def probed(boot):
    run = boot("suite=probes")
    assert run.rc == 0, run.stderr
    return run


def checks(run):
    return {c["name"]: c for c in run.all("check") if c["name"].startswith("probes.")}


def test_every_probe_check_passes(probed):
    c = checks(probed)
    assert set(c) >= {
        "probes.tr_leaf.hits", "probes.tr_leaf.pre", "probes.tr_leaf.post",
        "probes.tr_leaf.result", "probes.tr_leaf.restored", "probes.pt_riprel.hits",
        "probes.pt_riprel.result", "probes.pt_call.hits", "probes.pt_call.result",
        "probes.kretprobe.returns", "probes.kretprobe.nested", "probes.kretprobe.recursive",
        "probes.dr.exec.hits", "probes.watch.watch-write-8.writer", "probes.text-crc",
        "probes.text-crc.armed-differs", "probes.hit-cost", "probes.dr7-restored",
        "probes.pre-writes-frame", "probes.post-sees-frame", "probes.refuse.ftrace-live",
        "probes.boost.tr_leaf.hits", "probes.boost.pt_riprel.result",
        "probes.ftrace.tr_leaf.hits", "probes.opt.tr_leaf+5.hits", "probes.opt.pt_riprel.result",
        "probes.view.ftrace.pre", "probes.view.ftrace.post", "probes.view.optimized.pre",
        "probes.frame-write.ftrace", "probes.frame-write.optimized",
        "probes.opt-refuse.pt_loop+3", "probes.cost.optimized", "probes.cost.optimized-speedup",
        "probes.cost.ftrace", "probes.cost.ftrace-vs-boost"}
    tcg = {f"probes.db.{k}" for k in DB_TCG}
    failed = {k: v for k, v in c.items() if v["result"] != "pass" and k not in tcg}
    assert not failed, failed
    assert probed.first("end")["status"] == "ok"
    assert probed.first("check", name="owned.restore.probes", section="probes")["result"] == "pass"


def test_debug_cases(probed):
    """Every kvm-unit-tests x86/debug.c case: the SDM's log exactly, or
    TCG's known deviation exactly, as a skip naming it (docs/probes.md
    section 10)."""
    db = {k[len("probes.db."):]: v for k, v in checks(probed).items() if k.startswith("probes.db.")}
    assert set(db) == set(DB_SDM) | set(DB_TCG) | {"dr4-alias", "dr4-ud", "split-lock.value"}
    for case, line in DB_SDM.items():
        assert (db[case]["result"], db[case]["value"]) == ("pass", line), case
    for case, (reason, tcg_line, sdm_line) in DB_TCG.items():
        c = db[case]
        assert (c["result"], c["reason"], c["value"], c["expect"]) == \
            ("skip", reason, tcg_line, sdm_line), case
    # DR4 is DR6 with CR4.DE=0 (DR6_INIT | BS | B1), #UD with CR4.DE=1.
    assert db["dr4-alias"]["value"] == str(0xffff0ff0 | 1 << 14 | 1 << 1)
    assert db["dr4-ud"]["value"] == "#UD"
    assert db["split-lock.value"]["value"] == str(0xdeadbeefdeadbeef)


def test_tr_leaf_hits_and_bytes(probed):
    assert probed.first("check", name="probes.tr_leaf.hits")["value"] == str(CALLS)
    site = probed.first("probe_site", target="tr_leaf+0x0")
    # The ftrace NOP, its first byte INT3 while armed, then the NOP again.
    assert site == {"target": "tr_leaf+0x0", "action": "step", "before": "0f1f440000",
                    "armed": "cc1f440000", "after": "0f1f440000"}


def test_each_instruction_kind(probed):
    """RIP-relative load and push stepped with the disp32 fixed; call rel32,
    ret, jcc and loop emulated; call via register stepped with its return
    address fixed: every one hit as often as it ran, results unchanged."""
    want = {"pt_riprel": "step", "pt_push": "step", "pt_call": "emulate-call",
            "pt_inc": "emulate-ret", "pt_jcc": "emulate-jcc", "pt_icall": "step-abs-call",
            "pt_loop": "emulate-loop"}
    for fn, action in want.items():
        assert probed.first("check", name=f"probes.{fn}.action")["value"] == action
        assert probed.first("check", name=f"probes.{fn}.result")["result"] == "pass"
    loop_hits = sum(i % 16 + 1 for i in range(TARGET_CALLS))
    assert probed.first("check", name="probes.pt_loop.hits")["value"] == str(loop_hits)
    assert probed.first("check", name="probes.pt_call.hits")["value"] == str(TARGET_CALLS)
    rec = probed.first("probe", name="pt_riprel+0")
    assert rec["target"] == "pt_riprel+0x0" and rec["hits"] == str(TARGET_CALLS)


def test_refusals(probed):
    c = checks(probed)
    assert c["probes.refuse.tr_leaf+1"]["value"] == "not-boundary"
    assert c["probes.refuse.trap+0"]["value"] == "machinery"
    assert c["probes.refuse.kprobe_slots+0"]["value"] == "machinery"
    assert c["probes.refuse.no_such_function+0"]["value"] == "no-symbol"
    assert c["probes.refuse.duplicate"]["value"] == "busy"
    assert c["probes.refuse.ftrace-live"]["value"] == "busy"
    assert c["probes.dr.refuse.unaligned"]["value"] == "unaligned"


def test_kretprobe_nesting_and_recursion(probed):
    rec = [r for r in probed.all("probe_return") if r["run"] == "recursive"]
    assert [(int(r["depth"]), int(r["retval"])) for r in rec] == [(3, 0), (2, 1), (1, 2), (0, 3)]
    ticks = [int(r["ticks"]) for r in rec]
    assert ticks == sorted(ticks) and len(set(ticks)) == 4
    nested = [r for r in probed.all("probe_return") if r["run"] == "nested"]
    assert [r["sym"] for r in nested] == ["tr_leaf", "tr_leaf", "tr_mid"]
    assert sorted(int(r["retval"]) for r in nested[:2]) == [16, 19]


def test_watchpoints_catch_every_write(probed):
    for length in (8, 4, 2, 1):
        w = probed.first("probe", name=f"watch-write-{length}")
        assert w["kind"] == "hw-write" and w["hits"] == str(WATCH_N)
        assert w["writer"] == "pt_write+0x0"
        assert w["dr6"] in ("B0", "B1", "B2", "B3")      # a trap: BS clear
    rw = probed.first("probe", name="watch-rw-8")
    assert rw["hits"] == str(2 * WATCH_N)


def test_costs_are_exact(probed):
    """Under -icount every bench repeats exactly; the per-hit cost of a
    counting kprobe is within check probes.hit-cost's budget of 400
    instructions (docs/probes.md)."""
    for name in ("probe-none", "probe-kprobe", "probe-kprobe-boost", "probe-kprobe-ftrace",
                 "probe-kprobe-opt", "probe-none-call", "probe-kprobe-call", "probe-kretprobe",
                 "probe-dr-exec"):
        bench = probed.first("bench", name=name)
        assert bench["tsc_min"] == bench["tsc_max"], name
    kp = probed.first("probe", name="kprobe-tr_leaf")
    assert kp["target"] == "tr_leaf+0x0" and kp["kind"] == "kprobe" and kp["src"] == "icount"
    assert kp["hits"] == kp["calls"] == str(CALLS)
    per_hit = int(kp["insns_per_hit"])
    assert 1 <= per_hit <= 400
    assert int(kp["ticks_per_hit"]) == 32 * per_hit
    base = int(kp["base_insns"])
    assert kp["ratio"] == f"{(per_hit + base) * 100 // base // 100}.{(per_hit + base) * 100 // base % 100:02d}"
    # Boosting (a jump back instead of the single step) saves an exception.
    boost = probed.first("probe", name="kprobe-boost-tr_leaf")
    assert boost["hits"] == str(CALLS) and int(boost["insns_per_hit"]) < per_hit
    # Emulating the call needs no single step: cheaper than stepping.
    call = probed.first("probe", name="kprobe-pt_call")
    assert int(call["insns_per_hit"]) < per_hit
    # The paths without an exception: the jump at most 80 and 4 times
    # cheaper than the single step, the tracer's CALL at most 100 and
    # cheaper than the boosted INT3 (probes.cost.*).
    opt = probed.first("probe", name="kprobe-opt-tr_leaf")
    ftrace = probed.first("probe", name="kprobe-ftrace-tr_leaf")
    assert opt["target"] == "tr_leaf+0x5" and ftrace["target"] == "tr_leaf+0x0"
    assert opt["hits"] == ftrace["hits"] == str(CALLS)
    assert 1 <= int(opt["insns_per_hit"]) <= 80 and 4 * int(opt["insns_per_hit"]) <= per_hit
    assert 1 <= int(ftrace["insns_per_hit"]) <= 100
    assert int(ftrace["insns_per_hit"]) < int(boost["insns_per_hit"])
    # A kretprobe: its entry through the tracer's CALL, then the trampoline.
    ret = probed.first("probe", name="kretprobe-tr_leaf")
    assert int(ftrace["insns_per_hit"]) < int(ret["insns_per_hit"]) < per_hit
    dr = probed.first("probe", name="dr-exec-tr_leaf")
    assert dr["hits"] == str(CALLS) and 1 <= int(dr["insns_per_hit"]) < per_hit


def test_faster_paths(probed):
    """The tracer's CALL at tr_leaf+0 and the jump at tr_leaf+5: the site's
    bytes while armed, the same frame as an INT3 probe's, and the
    optimizer's refusals named by rule (docs/probes.md section 9)."""
    c = checks(probed)
    paths = {}
    for r in probed.all("probe_path"):      # the first of each: pt_push+0 is refused later
        paths.setdefault(r["target"], r)
    ftrace = paths["tr_leaf+0x0"]
    assert ftrace["path"] == "ftrace" and ftrace["before"] == "0f1f440000"
    assert re.fullmatch(r"e8[0-9a-f]{8}", ftrace["armed"])
    for target, window in (("tr_leaf+0x5", "5"), ("pt_riprel+0x0", "7"), ("pt_push+0x0", "6")):
        assert paths[target]["path"] == "optimized" and paths[target]["opt"] == "ok"
        assert paths[target]["window"] == window
        assert re.fullmatch(r"e9[0-9a-f]{8}", paths[target]["armed"])
    for name in ("ftrace", "optimized"):
        assert c[f"probes.view.{name}.pre"]["value"] == "none"
        assert c[f"probes.view.{name}.result"]["value"] == "124"
    assert c["probes.view.ftrace.post"]["value"] == "none"
    assert int(c["probes.view.ftrace.post-rip"]["value"]) == \
        int(c["probes.view.ftrace.rip"]["value"]) + 5
    refused = {"pt_loop+3": "jump-into-window", "pt_jcc+0": "branch-in-window",
               "pt_short+0": "short-function", "tr_leaf+5": "post-handler",
               "pt_push+0": "int3-in-function"}
    for name, rule in refused.items():
        assert c[f"probes.opt-refuse.{name}"]["value"] == rule
        assert c[f"probes.opt-refuse.{name}.int3-hits"]["value"] == "16"
    assert paths["pt_loop+0x3"]["path"] == "int3"
    assert paths["pt_loop+0x3"]["opt"] == "jump-into-window"


def test_docs_cost_table_is_this_run(probed):
    """docs/probes.md's cost table: each row names its probe record, and its
    figures are that record's in this run."""
    text = (ROOT / "docs" / "probes.md").read_text()
    rows = re.findall(r"^\| [^|]+ \| `([a-z_-]+)` \| (\d+) \| (\d+) \|$", text, re.M)
    assert len(rows) == 7, rows
    for name, insns, ticks in rows:
        rec = probed.first("probe", name=name)
        assert (rec["insns_per_hit"], rec["ticks_per_hit"]) == (insns, ticks), \
            f"docs/probes.md's row for {name} says {insns}/{ticks}, the run " \
            f"{rec['insns_per_hit']}/{rec['ticks_per_hit']}"


def test_skip_probes(boot):
    run = boot("suite=probes", "skip=probes")
    assert run.rc == 0, run.stderr
    assert run.first("check", name="probes") == {"name": "probes", "result": "skip", "section": "probes",
                                                 "reason": "skipped-by-config"}
    assert not run.all("probe")


@pytest.mark.skipif(os.geteuid() != 0, reason="uprobes need root (tracefs uprobe_events)")
def test_compare_pairs_kprobe_with_uprobe(probed, pmulab, tmp_path):
    """The same tr_leaf probed in the payload and by a Linux uprobe in the
    host tool: pmulab compare pairs them by target, hits equal."""
    out = tmp_path / "lx"
    proc = subprocess.run([str(pmulab), "linux", "--suite", "none", "--probes", "--out",
                           str(out)], capture_output=True, text=True, timeout=300)
    if "needs tracefs" in proc.stderr:
        pytest.skip("no tracefs with uprobe events here")
    assert proc.returncode == 0, proc.stderr
    cmp = subprocess.run([str(pmulab), "compare", str(probed.dir), str(out)],
                         capture_output=True, text=True)
    rows = [l for l in cmp.stdout.splitlines() if l.startswith("tr_leaf+0x0")]
    kprobe = [l for l in rows if " kprobe " in l and " uprobe " in l]
    assert kprobe and all("match" in l for l in kprobe), cmp.stdout
    assert f"{CALLS} kprobe" in kprobe[0]
