"""Lessons (docs/lessons/): every written lesson boots under TCG with
`pmulab lesson N`, ends with end status=ok, and prints exactly the
transcript its page shows (after masking what depends on the payload's
layout, see docs/lessons/README.md); `make lessons` rewrites the pages.
And explain mode: narrated, decoded, and no exact count disturbed."""
import re
import subprocess

import pytest

from conftest import ROOT, records_in

LESSONS = ROOT / "docs" / "lessons"
BEGIN = "<!-- transcript: begin"
END = "<!-- transcript: end -->"
PAGES = sorted(p for p in LESSONS.glob("[0-9][0-9]-*.md") if BEGIN in p.read_text())


def page_transcript(page):
    """The lines between the markers, without the ```text fence."""
    text = page.read_text()
    body = text[text.index(BEGIN):text.index(END)].split("\n")[1:]
    assert body[0] == "```text" and body[-2] == "```", f"{page}: transcript not fenced"
    return "\n".join(body[1:-2]) + "\n"


def _bytes(m):
    # An INT3, a CALL rel32 or a JMP rel32 with layout-dependent offset bytes;
    # the NOP's bytes after an INT3 are the same in every build.
    return m.group(0) if m.group(2) == " 1f 44 00 00" else m.group(1) + " .. .. .. .."


def normalise(text):
    text = re.sub(r"\+0x[0-9a-f]+", "+0x..", text)
    text = re.sub(r"\b(mov DR[0-3] <- )0x[0-9a-f]+", r"\g<1>0x..", text)
    text = re.sub(r"\b(e8|e9|cc)((?: [0-9a-f]{2}){4})\b", _bytes, text)
    # A JMP's 4 offset bytes overwritten on their own (a jump-optimized
    # probe taken out, lesson 11).
    text = re.sub(r"^(site \S+: )[0-9a-f]{2}(?: [0-9a-f]{2}){3} -> ", r"\1.. .. .. .. -> ", text,
                  flags=re.M)
    return re.sub(r"\bhas \d+ (such )?sites\b", r"has N \1sites", text)


def lesson_list():
    """lib/config.h's LESSON_LIST, the one list of lessons: (number, name)."""
    text = (ROOT / "lib" / "config.h").read_text()
    body = text[text.index("#define LESSON_LIST(X)"):]
    body = body[:body.index("\n\n")]
    return [(int(n), name) for n, name in re.findall(r"X\((\d+), (\w+)\)", body)]


def test_pages_found():
    """Every lesson of the list is in the index, written, with its page and
    a transcript; no page is left without a lesson."""
    lessons = lesson_list()
    assert [n for n, _ in lessons] == list(range(1, len(lessons) + 1)) and len(lessons) >= 10
    index = (LESSONS / "README.md").read_text()
    for n, name in lessons:
        assert re.search(rf"^\| {n} +\| \[.*\]\({n:02d}-{name}\.md\) \| written \|$", index,
                         re.M), f"lesson {n} missing from the index"
    assert [p.name for p in PAGES] == [f"{n:02d}-{name}.md" for n, name in lessons]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_transcript_matches_page(page, boot):
    n = int(page.name[:2])
    run = boot(lesson=n)
    assert run.rc == 0, run.stderr
    assert run.stdout.endswith("end status=ok\n"), run.stdout[-500:]
    assert (run.dir / "transcript.txt").read_text() == run.stdout
    recs = records_in((run.dir / "serial.log").read_bytes())
    steps = [r["fields"] for r in recs if r["type"] == "lesson"]
    assert steps[0]["n"] == str(n) and steps[0]["step"] == "0"
    assert page.name == f"{n:02d}-{steps[0]['name']}.md"
    assert [s["step"] for s in steps] == [str(k) for k in range(int(steps[0]["steps"]) + 1)]
    for k, s in enumerate(steps[1:], 1):
        assert f"\nStep {k}: {s['title']}\n" in run.stdout
    assert "Question: " in run.stdout and "Answer: " in run.stdout
    assert "On real hardware: " in run.stdout and "Under QEMU TCG: " in run.stdout
    assert normalise(run.stdout) == normalise(page_transcript(page)), \
        f"{page.name} drifted from the payload: run `make lessons` and review the diff"


def test_lesson_9_narrates_the_three_steps(boot):
    text = boot(lesson=9).stdout
    on = re.search(r"^site tr_leaf\+0x0: 0f 1f 44 00 00 -> e8((?: [0-9a-f]{2}){4}) "
                   r"\(5-byte nop -> call ftrace_caller\+0x0\)\n"
                   r"  step 1/3: int3 on byte 0, sync: cc 1f 44 00 00\n"
                   r"  step 2/3: bytes 1-4, sync: cc\1\n"
                   r"  step 3/3: byte 0, sync: e8\1\n", text, re.M)
    assert on, text
    assert "3 events for 3 calls." in text
    # The NOP is one instruction a call, exactly (-icount).
    assert "Answer: off, 1 instruction a call (8000 with the NOP against 7000" in text


def test_lesson_5_counts_then_samples(boot):
    """The workload's exact profile (icount and single-stepping agree), then
    timer samples (no PMU under TCG) whose histogram is near it."""
    text = boot(lesson=5).stdout
    assert "instructions not counted: no-arch-pmu" in text
    assert "108000 for 100\niterations, 1080 an iteration." in text
    assert re.search(r"^  hot +966 instructions an iteration, 894 per mille$", text, re.M)
    assert "1080 stepped an iteration, as many as the TSC counted." in text
    assert "Source: the LAPIC timer" in text
    assert re.search(r"^xapic APIC_LVTT \(\+0x320\) <- 0x000200ec  vector=0xec PERIODIC$",
                     text, re.M)
    m = re.search(r"^  hot +(\d+) samples +(\d+) per mille +\(stepped: 894 per mille\)$",
                  text, re.M)
    assert m and int(m.group(2)) >= 850, text
    assert re.search(r"^  sampled_run;work;hot +\d+$", text, re.M)


def test_lesson_6_reconstructs_not_records(boot):
    """No LBR under TCG: nothing recorded, nothing made up; the frame-pointer
    walk misses the chain; the ring derived from the code gives every frame
    the run saw, and is called a reconstruction."""
    run = boot(lesson=6)
    text = run.stdout
    assert "This CPU: no LBR (no-pdcm)." in text
    assert "lbr_start: not-supported -- nothing was written." in text
    recs = records_in((run.dir / "serial.log").read_bytes())
    assert not [r for r in recs if r["type"] == "lbr_branch"]
    assert "frame-pointer set-ups: 1" not in text and text.count("frame-pointer set-ups: 0") == 6
    ring = re.findall(r"^  would be +\d+ .*$", text, re.M)
    assert len(ring) == 10 and ring[0].endswith("ind_call") and ring[-1].endswith(" call")
    assert "-> lesson6_freeze_hook+0x0 " in ring[0] and "lesson6_run_chain+0x" in ring[-1]
    flat = " ".join(text.split())
    assert "The walk found 1." in flat
    assert "a RECONSTRUCTION from the code, not a recording:" in flat
    assert "gives 6 frames from these 10 branches; 6 equal" in flat
    assert "the same code gives 4 frames, the innermost, 4 of them right" in flat


def test_lesson_7_a_probe_hit(boot):
    """The INT3 and the slot narrated, the frame the handlers saw, and the
    exact cost of a hit, stepped and boosted, from the run's own counts."""
    text = boot(lesson=7).stdout
    assert re.search(r"^site tr_leaf\+0x0: 0f -> cc \(first byte -> int3\)$", text, re.M)
    assert re.search(r"^site kprobe_slots\+0x[0-9a-f]+: (cc ){16}-> 0f 1f 44 00 00( cc){11}$",
                     text, re.M)
    assert re.search(r"^site tr_leaf\+0x0: cc -> 0f \(int3 -> first byte back\)$", text, re.M)
    flat = " ".join(text.split())
    assert "the pre-handler 1 time(s), RIP = tr_leaf+0x0, RDI = 41 (the argument), TF = 0" in flat
    assert "RIP = tr_leaf+0x5 -- 5 bytes further" in flat
    assert "tr_leaf returned 124; unprobed it returns 124." in flat
    m = re.search(r"Instructions for 200 calls: unprobed (\d+), probed (\d+), boosted (\d+)\.",
                  flat)
    plain, stepped, boosted = (int(g) for g in m.groups())
    assert plain == 1600      # tr_leaf and its loop: 8 instructions a call
    hit, boost = (stepped - plain) // 200, (boosted - plain) // 200
    assert 0 < boost < hit <= 400, (hit, boost)    # check probes.hit-cost's budget
    assert (f"Answer: {hit} instructions a hit over an unprobed call of 8" in flat and
            f"Boosted, {boost}: so the single step -- the #DB round trip and its fix-up -- "
            f"is {hit - boost} of them." in flat), flat


def test_lesson_11_probe_paths(boot):
    """The tracer's CALL and the jump narrated, each with the INT3 probe's
    frame, the detour buffer decoded, a refusal naming its rule, and the four
    paths' costs in order, the jump at least 4 times cheaper than the step."""
    text = boot(lesson=11).stdout
    assert re.search(r"^site tr_leaf\+0x0: 0f 1f 44 00 00 -> e8( [0-9a-f]{2}){4} "
                     r"\(5-byte nop -> call kprobe_ftrace_caller\+0x0\)$", text, re.M)
    assert re.search(r"^site tr_leaf\+0x5: cc 8d 44 7f 01 -> e9( [0-9a-f]{2}){4} "
                     r"\(int3 -> jmp kprobe_detours\+0x[0-9a-f]+\)$", text, re.M)
    # Taken out as Linux does: the INT3 first, then the LEA's tail bytes.
    assert re.search(r"^site tr_leaf\+0x5: e9 -> cc \(first byte -> int3\)\n"
                     r"site tr_leaf\+0x6: [0-9a-f]{2}( [0-9a-f]{2}){3} -> 8d 44 7f 01\n"
                     r"site tr_leaf\+0x5: cc -> 48 \(int3 -> first byte back\)$", text, re.M)
    assert re.search(r"^  kprobe_detours\+0x[0-9a-f]+ +e8( [0-9a-f]{2}){4} +call "
                     r"kprobe_opt_caller\+0x0$", text, re.M)
    assert re.search(r"^  kprobe_detours\+0x[0-9a-f]+ +e9( [0-9a-f]{2}){4} +jmp tr_leaf\+0xa$",
                     text, re.M)
    flat = " ".join(text.split())
    for path, rip in (("ftrace", "tr_leaf+0x0"), ("optimized", "tr_leaf+0x5")):
        assert (f'Path "{path}": the pre-handler ran 1 time(s) and saw RIP = {rip}, RDI = 41; '
                "the frame as the INT3 probe's at the same place (RIP, RSP, RDI and the "
                "return address at RSP): the same. tr_leaf returned 124" in flat), flat
    assert 'stays "int3" because of the rule "jump-into-window"' in flat
    costs = dict(re.findall(r"^  (INT3, single-stepped|INT3, boosted|the tracer's CALL|the jump)"
                            r" +(\d+)$", text, re.M))
    stepped, boosted = int(costs["INT3, single-stepped"]), int(costs["INT3, boosted"])
    ftrace, jump = int(costs["the tracer's CALL"]), int(costs["the jump"])
    assert 0 < jump < ftrace < boosted < stepped <= 400, costs
    assert jump <= 80 and ftrace <= 100 and stepped >= 4 * jump, costs
    assert f"through the jump: {stepped // jump} times fewer than the single step" in flat


def test_lesson_8_breakpoints(boot):
    """DR writes narrated and decoded; the execute breakpoint is a fault with
    RF clear in the frame; the watchpoint a trap naming its writer."""
    text = boot(lesson=8).stdout
    assert re.search(r"^mov DR0 <- 0x[0-9a-f]+  = tr_leaf\+0x0$", text, re.M)
    assert re.search(r"^mov DR7 <- 0x00000501  L0 RW0=exec LEN0=1 LE$", text, re.M)
    assert re.search(r"^mov DR7 <- 0x00090501  L0 RW0=write LEN0=8 LE$", text, re.M)
    assert re.search(r"^mov DR7 <- 0x000f0501  L0 RW0=rw LEN0=4 LE$", text, re.M)
    flat = " ".join(text.split())
    assert "Three calls: 3 hits. At each the #DB handler found RIP = tr_leaf+0x0" in flat
    assert "DR6 said B0 (0xffff0ff1). The frame's RF was 0" in flat
    for v in (7, 8, 9):
        assert f"RIP = pt_write+0x7, pt_var already {v}" in flat
    assert "3 hits for three writes and a read" in flat
    assert "2 hits for a write and a read." in flat
    assert "DR7 now: 0x00000400 (none), as found: yes." in flat
    assert re.search(r"Answer: the trap left RIP 7 bytes into pt_write, past the store; "
                     r"decoding pt_write from its start finds the 7-byte instruction", flat)


def test_lesson_usage(pmulab):
    for args, msg in ((["lesson"], "missing the lesson's number"),
                      (["lesson", "12"], "no lesson 12"),
                      (["lesson", "x"], "not a whole number"),
                      (["lesson", "1", "--format", "json"], "no --format")):
        proc = subprocess.run([str(pmulab), *args], capture_output=True, text=True)
        assert proc.returncode == 2 and msg in proc.stderr, (args, proc.stderr)


def test_explain_mode_default_run(boot):
    """--explain on the default suites: the boot-time NOP patching and the MSR
    reads are narrated, decoded, and every exact -icount check still passes
    (narration never runs inside a counted region)."""
    run = boot(explain=True)
    assert run.rc == 0, run.stderr
    assert run.first("config")["explain"] == "on"
    log = (run.dir / "serial.log").read_text(errors="replace")
    assert re.search(r"^# site tr_leaf\+0x0: 90 90 90 90 90 -> 0f 1f 44 00 00 "
                     r"\(5 one-byte nops -> 5-byte nop\)\r?$", log, re.M)
    assert re.search(r"^# rdmsr IA32_APIC_BASE \(0x1b\) -> 0x[0-9a-f]{8}  .*EN base=0x",
                     log, re.M)
    icount = [c for c in run.all("check") if c["name"].startswith("icount.")]
    assert icount and all(c["result"] == "pass" for c in icount)
