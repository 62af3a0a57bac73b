"""A fault in the middle of a section that has code patched (inject_at=):
leaving the section puts every patched site back and CR0.WP set, so the code
that goes on writing records after it (lib/fmt.c and lib/crc32.c have
function-tracer sites) runs unpatched; owned.restore reads every site back
and says what was restored. And the normal runs restore nothing: each
mechanism unpatched its own code."""
import pytest

from test_boot import check_stream

# inject_at=, the settings that reach it, the section (or part) it aborts,
# and whether code is patched there.
CASES = [
    ("ftrace", ("suite=ftrace",), "ftrace", True),
    ("probes", ("suite=probes",), "probes", True),
    ("lesson-9", ("lesson=9",), "lesson-9-step-3", True),
    ("sample", ("suite=sample",), "sample", False),
]


def restore_of(run, section):
    return run.first("check", name="owned.restore." + section, section=section)


@pytest.mark.parametrize("where,settings,section,patched", CASES)
def test_fault_mid_section_restores_code(boot, where, settings, section, patched):
    run = boot(*settings, "inject_fault=ud", f"inject_at={where}")
    check_stream(run)
    err = run.first("error", kind="exception")
    assert err["section"] == section and err["name"] == "UD", err
    assert err["sym"].startswith("selftest_inject"), err
    restore = restore_of(run, section)
    assert restore["result"] == "pass", restore
    # Every function-tracer site is the 5-byte NOP again, CR0.WP is set.
    assert restore["fentry_not_nop"] == "0", restore
    assert restore["cr0_wp"] == "1" and restore["cr0_restored"] == "1", restore
    assert restore["idt"] == "1" and restore["if"] == "1", restore
    if patched:
        assert int(restore["code_restored"]) >= 1, restore
    else:
        assert restore["code_restored"] == "0", restore
    # The fault ended the run (a section without parts, or the lesson).
    assert run.first("end")["status"] == "error"
    assert run.rc == 1


@pytest.mark.parametrize("settings,section", [
    (("suite=ftrace",), "ftrace"),
    (("suite=probes",), "probes"),
    (("suite=sample",), "sample"),
])
def test_normal_leave_restores_nothing(boot, settings, section):
    run = boot(*settings)
    assert run.rc == 0, run.stderr
    restore = restore_of(run, section)
    assert restore["result"] == "pass", restore
    assert restore["code_restored"] == "0" and restore["fentry_not_nop"] == "0", restore
    assert "code_kept" not in restore and "code_refused" not in restore, restore


def test_ftrace_init_has_its_restore_check(boot):
    """The NOPs ftrace-init writes are the image's from then on: leaving it
    restores nothing, and every site reads back as the NOP."""
    run = boot("suite=none")
    assert run.rc == 0, run.stderr
    restore = restore_of(run, "ftrace-init")
    assert restore["result"] == "pass", restore
    assert restore["code_restored"] == "0" and restore["fentry_not_nop"] == "0", restore
    assert restore["cr0_wp"] == "1", restore
    # Before ftrace-init the sites are the compiler's holes: not checked.
    assert "fentry_not_nop" not in restore_of(run, "caps")


def test_lesson_step_hands_its_patch_on(boot):
    """Lesson 9's second step leaves tr_leaf's CALL in for the third: kept,
    not restored, and counted; the step that turns tracing off leaves
    nothing."""
    run = boot(lesson=9)
    assert run.rc == 0, run.stderr
    step2 = restore_of(run, "lesson-9-step-2")
    assert step2["result"] == "pass", step2
    assert step2["code_kept"] == "1" and step2["code_restored"] == "0", step2
    assert step2["fentry_not_nop"] == "1", step2
    step5 = restore_of(run, "lesson-9-step-5")
    assert step5["result"] == "pass" and "code_kept" not in step5, step5
    assert step5["fentry_not_nop"] == "0", step5
