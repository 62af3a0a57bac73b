"""LBR under QEMU TCG: there is none, and the payload says so -- every LBR
check (lbr.depth, lbr.callchain, lbr.filter; lbr.freeze-on-pmi in the
sample suite) is a skip with the probe's reason, no LBR register is touched
and no lbr_branch record is made up. The driver and the checks themselves
are proved against the LBR model, right and faulty
(tests/unit/kernel/test_lbr.c, test_lbr_check.c, test_sample.c)."""
import pytest

LBR_CHECKS = ("lbr.depth", "lbr.callchain", "lbr.filter")


@pytest.mark.parametrize("cpu,reason", [("Skylake-Client", "no-pdcm"),
                                        ("EPYC", "no-lbr-ext-v2")])
def test_lbr_callchain_skips_without_lbr(boot, cpu, reason):
    run = boot("suite=pmu-check", cpu=cpu)
    assert run.rc == 0, run.stderr
    assert run.first("lbr")["present"] == "0"
    for name in LBR_CHECKS:
        assert run.first("check", name=name) == {
            "name": name, "result": "skip", "section": "lbr-check", "reason": reason}
    assert run.all("lbr_branch") == []
    restore = run.first("check", name="owned.restore.lbr-check", section="lbr-check")
    assert restore["result"] == "pass" and restore["msrs_restored"] == "0"


def test_skip_lbr_is_honoured(boot):
    run = boot("skip=lbr", "suite=pmu-check")
    assert run.rc == 0, run.stderr
    for name in LBR_CHECKS:
        assert run.first("check", name=name)["reason"] == "skipped-by-config"
    assert run.all("lbr_branch") == []


def test_freeze_on_pmi_skips_without_lbr(boot):
    run = boot("suite=sample")
    assert run.rc == 0, run.stderr
    assert run.first("check", name="lbr.freeze-on-pmi") == {
        "name": "lbr.freeze-on-pmi", "result": "skip", "section": "sample",
        "reason": "no-pdcm"}
