"""LBR under QEMU TCG: there is none, and the payload says so -- the
lbr.callchain check is a skip with the probe's reason and no lbr_branch
record is made up. The driver itself is proved against the LBR model
(tests/unit/kernel/test_lbr.c)."""
import pytest


@pytest.mark.parametrize("cpu,reason", [("Skylake-Client", "no-pdcm"),
                                        ("EPYC", "no-lbr-ext-v2")])
def test_lbr_callchain_skips_without_lbr(boot, cpu, reason):
    run = boot("suite=pmu-check", cpu=cpu)
    assert run.rc == 0, run.stderr
    assert run.first("lbr")["present"] == "0"
    check = run.first("check", name="lbr.callchain")
    assert check == {"name": "lbr.callchain", "result": "skip", "section": "lbr-check",
                     "reason": reason}
    assert run.all("lbr_branch") == []
    restore = run.first("check", name="owned.restore.lbr-check", section="lbr-check")
    assert restore["result"] == "pass" and restore["msrs_restored"] == "0"


def test_skip_lbr_is_honoured(boot):
    run = boot("skip=lbr", "suite=pmu-check")
    assert run.rc == 0, run.stderr
    assert run.first("check", name="lbr.callchain")["reason"] == "skipped-by-config"
    assert run.all("lbr_branch") == []
