"""Lessons (docs/lessons/): every written lesson boots under TCG with
`pmulab lesson N`, ends with end status=ok, and prints exactly the
transcript its page shows (after masking what depends on the payload's
layout, see docs/lessons/README.md); `make lessons` rewrites the pages.
And explain mode: narrated, decoded, and no exact count disturbed."""
import re
import subprocess

import pytest

from conftest import PMULAB, ROOT, records_in

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
    # An INT3 or a CALL rel32 with layout-dependent offset bytes; the NOP's
    # bytes after an INT3 are the same in every build.
    return m.group(0) if m.group(2) == " 1f 44 00 00" else m.group(1) + " .. .. .. .."


def normalise(text):
    text = re.sub(r"\+0x[0-9a-f]+", "+0x..", text)
    text = re.sub(r"\b(e8|cc)((?: [0-9a-f]{2}){4})\b", _bytes, text)
    return re.sub(r"\bhas \d+ (such )?sites\b", r"has N \1sites", text)


def lesson(n, tmp_path, *args):
    out = tmp_path / f"lesson{n}"
    proc = subprocess.run([str(PMULAB), "lesson", str(n), "--tcg", "--out", str(out), *args],
                          capture_output=True, text=True, timeout=240)
    return proc, out


def test_pages_found():
    """The index lists all ten; the written ones have pages with transcripts."""
    index = (LESSONS / "README.md").read_text()
    for n in range(1, 11):
        assert re.search(rf"^\| {n} +\|", index, re.M), f"lesson {n} missing from the index"
    for n in range(5, 9):
        assert re.search(rf"^\| {n} +\|.*\| lands with \w+", index, re.M)
    assert [p.name[:2] for p in PAGES] == ["01", "02", "03", "04", "09", "10"]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_transcript_matches_page(page, tmp_path):
    n = int(page.name[:2])
    proc, out = lesson(n, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("end status=ok\n"), proc.stdout[-500:]
    assert (out / "transcript.txt").read_text() == proc.stdout
    recs = records_in((out / "serial.log").read_bytes())
    steps = [r["fields"] for r in recs if r["type"] == "lesson"]
    assert steps[0]["n"] == str(n) and steps[0]["step"] == "0"
    assert page.name == f"{n:02d}-{steps[0]['name']}.md"
    assert [s["step"] for s in steps] == [str(k) for k in range(int(steps[0]["steps"]) + 1)]
    for k, s in enumerate(steps[1:], 1):
        assert f"\nStep {k}: {s['title']}\n" in proc.stdout
    assert "Question: " in proc.stdout and "Answer: " in proc.stdout
    assert "On real hardware: " in proc.stdout and "Under QEMU TCG: " in proc.stdout
    assert normalise(proc.stdout) == normalise(page_transcript(page)), \
        f"{page.name} drifted from the payload: run `make lessons` and review the diff"


def test_lesson_9_narrates_the_three_steps(tmp_path):
    proc, _ = lesson(9, tmp_path)
    text = proc.stdout
    on = re.search(r"^site tr_leaf\+0x0: 0f 1f 44 00 00 -> e8((?: [0-9a-f]{2}){4}) "
                   r"\(5-byte nop -> call ftrace_caller\+0x0\)\n"
                   r"  step 1/3: int3 on byte 0, sync: cc 1f 44 00 00\n"
                   r"  step 2/3: bytes 1-4, sync: cc\1\n"
                   r"  step 3/3: byte 0, sync: e8\1\n", text, re.M)
    assert on, text
    assert "3 events for 3 calls." in text
    # The NOP is one instruction a call, exactly (-icount).
    assert "Answer: off, 1 instruction a call (8000 with the NOP against 7000" in text


def test_unwritten_lesson_is_an_error(boot):
    run = boot("--set", "lesson=6")
    err = run.first("error", kind="lesson")
    assert err["reason"] == "not-written-yet" and err["lands_with"] == "LBR"
    assert run.first("end")["status"] == "error"
    assert run.rc == 1


def test_lesson_usage(pmulab):
    for args, msg in ((["lesson"], "missing the lesson's number"),
                      (["lesson", "11"], "no lesson 11"),
                      (["lesson", "x"], "not a whole number"),
                      (["lesson", "1", "--format", "json"], "no --format")):
        proc = subprocess.run([str(pmulab), *args], capture_output=True, text=True)
        assert proc.returncode == 2 and msg in proc.stderr, (args, proc.stderr)


def test_explain_mode_default_run(boot):
    """--explain on the default suites: the boot-time NOP patching and the MSR
    reads are narrated, decoded, and every exact -icount check still passes
    (narration never runs inside a counted region)."""
    run = boot("--explain")
    assert run.rc == 0, run.stderr
    assert run.first("config")["explain"] == "on"
    log = (run.dir / "serial.log").read_text(errors="replace")
    assert re.search(r"^# site tr_leaf\+0x0: 90 90 90 90 90 -> 0f 1f 44 00 00 "
                     r"\(5 one-byte nops -> 5-byte nop\)\r?$", log, re.M)
    assert re.search(r"^# rdmsr IA32_APIC_BASE \(0x1b\) -> 0x[0-9a-f]{8}  .*EN base=0x",
                     log, re.M)
    icount = [c for c in run.all("check") if c["name"].startswith("icount.")]
    assert icount and all(c["result"] == "pass" for c in icount)
