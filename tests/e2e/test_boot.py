"""Boots under QEMU TCG: the spine's promises, record by record."""
import os
import pty
import re
import shlex
import subprocess

import pytest

from conftest import RUN_TIMEOUT_S, STUCK_S, records_in

# The largest count the json report writes as a number (docs/record-format.md,
# JSON): 2^53 - 1, exact in every reader.
JSON_INT_EXACT_MAX = 2**53 - 1


def typed(value):
    """A record field value as the json report types it: a count written
    canonically, up to JSON_INT_EXACT_MAX, is a number; anything else text."""
    if re.fullmatch(r"0|[1-9][0-9]*", value) and int(value) <= JSON_INT_EXACT_MAX:
        return int(value)
    return value


def check_stream(run):
    """hello first, end last, seq without gaps, every record valid (parse_line
    already checked grammar and CRC), and the host agrees."""
    recs = run.records
    assert recs, f"no records; stderr: {run.stderr}"
    assert [r["seq"] for r in recs] == list(range(len(recs)))
    assert recs[0]["type"] == "hello" and recs[0]["fields"]["format"] == "1"
    assert recs[-1]["type"] == "end"
    assert recs[-1]["fields"]["count"] == str(len(recs) - 1)
    assert run.report["stream"]["complete"] is True
    # records.txt holds exactly the records of the serial stream, then the
    # reference model's (a reference record and its src=model counters).
    merged = records_in((run.dir / "records.txt").read_bytes())
    assert run.report["stream"]["records"] == len(merged)
    assert merged[:len(recs)] == recs
    # The json report holds the same records, each value typed by the rule.
    assert [(r["seq"], r["type"], r["fields"]) for r in run.report["records"]] == \
        [(r["seq"], r["type"], {k: typed(v) for k, v in r["fields"].items()}) for r in merged]
    assert run.report["schema"] == 2
    model = merged[len(recs):]
    assert not model or model[0]["type"] == "reference"
    assert all(r["type"] == "counter" and r["fields"]["src"] == "model" for r in model[1:])


def check_results_file(run):
    """The copy on the boot volume, flushed section by section, is the same."""
    assert records_in((run.dir / "results.txt").read_bytes()) == run.records


@pytest.mark.parametrize("cpu,vendor,pmu_vendor,reason", [
    ("Skylake-Client", "GenuineIntel", "intel", "no-arch-pmu"),
    ("EPYC", "AuthenticAMD", "amd", "counter-does-not-hold-writes"),
])
def test_boot_reports_capabilities(boot, cpu, vendor, pmu_vendor, reason):
    run = boot(cpu=cpu)
    assert run.rc == 0, run.stderr
    check_stream(run)
    check_results_file(run)
    assert run.first("end")["status"] == "ok"
    assert "isa-debug-exit: status=ok" in run.stderr

    hello = run.first("hello")
    assert hello["boot"] == "qemu" and hello["console"] == "serial"
    assert hello["system_vendor"] == "QEMU" and hello["firmware"] == "EDK II"
    cpu_rec = run.first("cpu")
    assert cpu_rec["vendor"] == vendor
    assert cpu_rec["hypervisor"] == "TCGTCGTCGTCG"
    # Under TCG there is no PMU to count with, and the payload says so.
    pmu = run.first("pmu")
    assert pmu["vendor"] == pmu_vendor
    assert pmu["present"] == "0" and pmu["reason"] == reason
    if pmu_vendor == "intel":
        assert pmu["version"] == "0" and pmu["cpuid_0a_eax"] == "0x0"
    else:
        assert pmu["probe"] == "readback-differs"
    assert run.first("lbr")["present"] == "0"
    debug = run.first("debug")
    assert debug["breakpoints"] == "4" and debug["apic"] == "xapic"

    # RDPMC raises #UD under TCG; the exception table takes it.
    rdpmc = run.first("check", name="rdpmc")
    assert rdpmc == {"name": "rdpmc", "result": "pass", "section": "selftest", "value": "#UD",
                     "expected": "fault", "handled": "1"}
    for name, vec in (("fixup.ud2", "#UD"), ("fixup.gp", "#GP"), ("fixup.de", "#DE")):
        assert run.first("check", name=name) == {
            "name": name, "result": "pass", "section": "selftest", "value": vec,
            "expected": vec, "fixups": "1"}
    restores = [c for c in run.all("check") if c["name"].startswith("owned.restore.")]
    assert [c["section"] for c in restores] == ["caps", "selftest", "ftrace-init", "pmu-check", "lbr-check",
                                         "benches"]
    assert all(c["name"] == "owned.restore." + c["section"] for c in restores)
    # The spine's own checks pass; the PMU's and LBR's skip without one
    # (test_pmu.py, test_lbr.py).
    assert all(c["result"] == "pass" for c in run.all("check")
               if not c["name"].startswith(("pmu.", "lbr.", "msr-restore")))
    assert not [c for c in run.all("check") if c["result"] == "fail"]
    assert not run.all("error")


def test_bad_config_key_and_value(pmulab, tmp_path):
    """pmulab refuses such a config before the boot (test_bad_settings_...);
    a stick written by other means gets one. The payload reports each bad
    line by number, keeps the setting's default and ends with status=error."""
    out = tmp_path / "run"
    first = subprocess.run([str(pmulab), "run", "--tcg", "--set", "suite=none", "--keep-esp",
                            "--out", str(out)], capture_output=True, text=True,
                           timeout=RUN_TIMEOUT_S + STUCK_S)
    assert first.returncode == 0, first.stderr
    text = (out / "esp" / "pmulab" / "config.txt").read_text()
    assert "\nexit_wait=30\n" in text
    text = text.replace("\nexit_wait=30\n", "\nexit_wait=soon\n") + "bogus_key=1\n"
    bad = tmp_path / "config.txt"
    bad.write_text(text)
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    subprocess.run(["mcopy", "-o", "-i", str(out / "esp.img"), str(bad),
                    "::/pmulab/config.txt"], check=True, env=env)
    (out / "serial.log").write_bytes(b"")
    qemu = subprocess.run(shlex.split((out / "cmdline.txt").read_text()), capture_output=True,
                          timeout=RUN_TIMEOUT_S + STUCK_S)
    assert qemu.returncode == (2 << 1) | 1, qemu.stderr     # status=error
    records = records_in((out / "serial.log").read_bytes())
    config = text.splitlines()
    errors = [r["fields"] for r in records if r["type"] == "error"]
    assert [e["reason"] for e in errors] == ["bad-value", "unknown-key"]
    bad_value, unknown = errors
    assert unknown["kind"] == "config" and unknown["key"] == "bogus_key"
    assert config[int(unknown["line"]) - 1] == "bogus_key=1"
    assert bad_value["key"] == "exit_wait" and bad_value["detail"] == "expected 0..3600"
    assert config[int(bad_value["line"]) - 1] == "exit_wait=soon"
    # The run went on with the default for the bad setting.
    first_of = {r["type"]: r["fields"] for r in reversed(records)}
    assert first_of["config"]["exit_wait"] == "30"
    assert first_of["cpu"]["vendor"] == "GenuineIntel"
    assert first_of["end"]["status"] == "error"


# suite=pmu-check's sections, k of n from the payload's plan.
PHASES = ["starting QEMU", "firmware booting", "payload hello", "section 1/5: caps",
          "section 2/5: selftest", "section 3/5: ftrace-init", "section 4/5: pmu-check",
          "section 5/5: lbr-check", "end"]


# AMD's 80000006H associativity codes (APM Vol3): ways, None for reserved.
AMD_WAYS = [0, 1, 2, 3, 4, 6, 8, None, 16, None, 32, 48, 64, 96, 128, "full"]


def decode_cache(rec):
    """(level, type, size, ways, line, sets) from the registers the cache
    record carries, by the leaf's layout: SDM Vol2A leaf 4 (AMD's 8000001DH
    is the same), APM Vol3 80000005H and 80000006H."""
    leaf = int(rec["leaf"], 16)
    eax, ebx, ecx, edx = (int(rec[r], 16) for r in ("eax", "ebx", "ecx", "edx"))
    if leaf in (4, 0x8000001D):
        ways, parts, line = (ebx >> 22) + 1, ((ebx >> 12) & 0x3FF) + 1, (ebx & 0xFFF) + 1
        sets = ecx + 1
        kind = {1: "data", 2: "instruction", 3: "unified"}[eax & 0x1F]
        return (eax >> 5) & 7, kind, ways * parts * line * sets, ways, line, sets
    if leaf == 0x80000005:
        reg = edx if rec["type"] == "instruction" else ecx
        size, ways, line = (reg >> 24) << 10, (reg >> 16) & 0xFF, reg & 0xFF
        return 1, rec["type"], size, ways, line, size // (ways * line)
    assert leaf == 0x80000006, rec
    reg = edx if rec["level"] == "3" else ecx
    size = (reg >> 18) << 19 if rec["level"] == "3" else (reg >> 16) << 10
    ways, line = AMD_WAYS[(reg >> 12) & 0xF], reg & 0xFF
    return int(rec["level"]), "unified", size, ways, line, size // (ways * line)


# The caches QEMU's models report (its target/i386/cpu.c tables): the legacy
# ones for Skylake-Client in leaf 4, EPYC's own in 80000005H and 80000006H
# (TCG has no TopologyExtensions, so no 8000001DH), as (level, type, KiB, ways).
QEMU_CACHES = {
    "Skylake-Client": ("0x4", [(1, "data", 32, 8), (1, "instruction", 32, 8),
                               (2, "unified", 4096, 16), (3, "unified", 16384, 16)]),
    "EPYC": ("0x80000005", [(1, "data", 32, 8), (1, "instruction", 64, 4),
                            (2, "unified", 512, 8), (3, "unified", 8192, 16)]),
}


@pytest.mark.parametrize("cpu", ["Skylake-Client", "EPYC"])
def test_cache_records_are_what_cpuid_says(boot, cpu):
    run = boot(cpu=cpu)
    assert run.rc == 0, run.stderr
    caches = run.all("cache")
    leaf, want = QEMU_CACHES[cpu]
    assert caches[0]["leaf"] == leaf
    for rec in caches:
        level, kind, size, ways, line, sets = decode_cache(rec)
        assert (rec["level"], rec["type"], rec["size"], rec["ways"], rec["line"],
                rec["sets"]) == (str(level), kind, str(size), str(ways), str(line),
                                 str(sets)), rec
    assert [(int(c["level"]), c["type"], int(c["size"]) >> 10, int(c["ways"]))
            for c in caches] == want
    assert all(c["line"] == "64" for c in caches)


def test_progress_off_a_terminal_is_a_line_per_phase(boot):
    run = boot("suite=pmu-check")
    assert run.rc == 0, run.stderr
    lines = [m.groups() for m in re.finditer(r"^\[pmulab\] ([0-9.]+) s: (.*)$", run.stderr,
                                              re.M)]
    assert [phase for _, phase in lines] == PHASES
    times = [float(t) for t, _ in lines]
    assert times == sorted(times)
    # The plan comes before the first section, and each section says which.
    [plan] = run.all("plan")
    assert plan == {"sections": "5", "names": "caps,selftest,ftrace-init,pmu-check,lbr-check"}
    assert [(s["k"], s["n"], s["name"]) for s in run.all("section")] == [
        (str(k), "5", name) for k, name in enumerate(plan["names"].split(","), 1)]
    types = [r["type"] for r in run.records]
    assert types.index("plan") < types.index("section") < types.index("cpu")


def test_progress_on_a_terminal_redraws_one_line(pmulab, tmp_path):
    """stderr a terminal: the phases on one status line, rewritten with \\r."""
    main, sub = pty.openpty()
    proc = subprocess.Popen([str(pmulab), "run", "--tcg", "--set", "suite=pmu-check",
                             "--out", str(tmp_path / "run")], stdout=subprocess.DEVNULL,
                            stderr=sub, stdin=subprocess.DEVNULL)
    os.close(sub)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:         # EIO: the last writer has gone
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=RUN_TIMEOUT_S + STUCK_S) == 0
    os.close(main)
    text = shown.decode()
    drawn = [d.split(" · ")[0].removeprefix("[pmulab] ")
             for d in re.findall(r"\r(\[pmulab\] [^\r\n]*?)\x1b\[K", text)]
    assert [p for i, p in enumerate(drawn) if i == 0 or drawn[i - 1] != p] == PHASES
    assert not re.search(r"^\[pmulab\] [0-9.]+ s: ", text, re.M)


def test_bad_settings_are_refused_before_the_boot(refused):
    proc = refused("bogus_key=1", "exit_wait=soon")
    assert "'exit_wait=soon': exit_wait: bad-value: expected 0..3600" in proc.stderr
    assert "'bogus_key=1': bogus_key: unknown-key" in proc.stderr
    assert "2 bad settings: nothing booted" in proc.stderr


def test_a_misspelt_suite_names_the_suites(refused):
    proc = refused("suite=quik")
    assert ("'suite=quik': suite: bad-value: expected none or a comma-separated list of "
            "pmu-check|quick|full|ftrace|probes|sample") in proc.stderr


@pytest.mark.parametrize("fault,vector,name", [
    ("ud", "6", "UD"), ("gp", "13", "GP"), ("de", "0", "DE"), ("pf", "14", "PF"),
    ("bp", "3", "BP"),
])
def test_unexpected_exception_is_reported(boot, fault, vector, name):
    run = boot(f"inject_fault={fault}")
    check_stream(run)
    err = run.first("error", kind="exception")
    assert err["section"] == "inject"
    assert err["vector"] == vector and err["name"] == name
    assert err["sym"].startswith("selftest_inject+0x"), err
    # The frame-pointer walk reaches back to the code that started the section.
    assert "owned_run+0x" in err["trace"] and "efi_main+0x" in err["trace"], err
    if fault == "pf":
        assert err["cr2"] == "0xffff800000000000"
    if fault == "gp":
        assert err["error_code"] == "0x0"
    # Leaving the section gave the firmware its IDT and interrupt flag back.
    restore = run.first("check", name="owned.restore.inject", section="inject")
    assert restore["result"] == "pass" and restore["idt"] == "1" and restore["if"] == "1"
    assert run.first("end")["status"] == "error"
    assert "isa-debug-exit: status=error" in run.stderr
    assert run.rc == 1


def test_console_fallback_without_serial(boot):
    """serial=off: records go through the UEFI console (which OVMF mirrors on
    the same UART, escape sequences and all) and the results file."""
    run = boot("serial=off")
    assert run.rc == 0, run.stderr
    check_stream(run)
    check_results_file(run)
    assert run.first("hello")["console"] == "uefi"
    assert "serial_port" not in run.first("hello")


# OVMF's own PXE boots an image from QEMU's TFTP server well within this.
NETBOOT_S = 120


def test_netboot_without_a_boot_volume(pmulab, tmp_path):
    """Chained from TFTP, as a board farm's iPXE does: no volume to read a
    config from or write results to, so the defaults run and every record
    goes over serial, with status=ok (not an error about the results file)."""
    tftp = tmp_path / "tftp"
    tftp.mkdir()
    (tftp / "pmulab.efi").write_bytes((pmulab.parent / "pmulab.efi").read_bytes())
    vars_fd = tmp_path / "vars.fd"
    vars_fd.write_bytes(open("/usr/share/OVMF/OVMF_VARS_4M.fd", "rb").read())
    serial = tmp_path / "serial.log"
    proc = subprocess.run(
        ["qemu-system-x86_64", "-machine", "q35", "-m", "1024", "-display", "none",
         "-monitor", "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
         "-accel", "tcg", "-cpu", "Skylake-Client",
         "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
         "-drive", f"if=pflash,format=raw,file={vars_fd}",
         "-netdev", f"user,id=n0,tftp={tftp},bootfile=pmulab.efi",
         "-device", "virtio-net-pci,netdev=n0", "-serial", f"file:{serial}"],
        capture_output=True, timeout=NETBOOT_S)
    data = serial.read_bytes()
    recs = records_in(data)
    assert proc.returncode == 1, proc.stderr      # isa-debug-exit: status=ok
    assert [r["seq"] for r in recs] == list(range(len(recs)))
    config = next(r["fields"] for r in recs if r["type"] == "config")
    assert config["source"] == "none" and config["results_file"] == "none"
    assert b"# no boot volume (loaded over the network)" in data
    assert not [r for r in recs if r["type"] == "error"]
    assert recs[-1]["type"] == "end" and recs[-1]["fields"]["status"] == "ok"


def test_results_file_off(boot):
    run = boot("results=off")
    assert run.rc == 0
    check_stream(run)
    assert not (run.dir / "results.txt").exists()
    assert "no \\pmulab\\results-001.txt" in run.stderr


def test_icount_runs_are_identical(boot):
    """With -icount the guest is deterministic: two boots, the same bytes."""
    a, b = boot(), boot(fresh=True)
    assert a.rc == b.rc == 0
    assert (a.dir / "records.txt").read_bytes() == (b.dir / "records.txt").read_bytes()


def test_timeout_kills_and_marks_partial(boot):
    run = boot(timeout=0.5)
    assert run.rc == 3
    assert "killed (timeout)" in run.stderr and "partial" in run.stderr
    assert run.report["stream"]["complete"] is False


def test_collect_replays_a_capture(boot, pmulab, tmp_path):
    run = boot()
    assert run.rc == 0
    out = tmp_path / "collected"
    proc = subprocess.run([str(pmulab), "collect", str(run.dir / "serial.log"), "--out",
                           str(out), "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # The serial log holds the payload's records, the run's records.txt the
    # reference model's after them.
    collected = (out / "records.txt").read_bytes()
    assert (run.dir / "records.txt").read_bytes().startswith(collected)
    assert collected.endswith(b"\n") and b" end " in collected.splitlines()[-1]

    # One flipped byte inside the fifth record loses exactly that record.
    data = bytearray((run.dir / "serial.log").read_bytes())
    at = data.index(b"@PL1 4 ") + 12
    data[at] ^= 0x20
    damaged = tmp_path / "damaged.log"
    damaged.write_bytes(bytes(data))
    proc = subprocess.run([str(pmulab), "report", str(damaged)], capture_output=True, text=True)
    assert proc.returncode == 3
    assert "seq 4" in proc.stdout or "missing 4" in proc.stdout or " 4 " in proc.stdout
    proc = subprocess.run([str(pmulab), "report", str(damaged), "--format", "json"],
                          capture_output=True, text=True)
    import json
    stream = json.loads(proc.stdout)["stream"]
    assert stream["missing"] == [4] and len(stream["rejects"]) == 1
    assert stream["rejects"][0]["reason"] == "bad-crc"


@pytest.mark.parametrize("args,message", [
    (["run", "--set", "novalue"], "expected key=value"),
    (["run", "--icount", "99"], "--icount"),
    (["run", "--bogus"], "--bogus"),
    (["run", "--cpu-flags", "pmu off"], "--cpu-flags 'pmu off': not QEMU CPU properties"),
    (["run", "--format", "tapp"], "trace-json, tap or junit"),
    (["frobnicate"], "unknown command"),
])
def test_usage_errors(pmulab, args, message):
    proc = subprocess.run([str(pmulab), *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_kvm_refused_when_unusable(boot):
    """--kvm on a host without usable KVM says why instead of hanging QEMU."""
    run = boot(kvm=True)
    if "KVM is not usable" not in run.stderr:
        pytest.skip("KVM is usable here")
    assert run.rc == 1


def test_report_of_missing_file(pmulab, tmp_path):
    proc = subprocess.run([str(pmulab), "report", str(tmp_path / "nothing.txt")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "nothing.txt" in proc.stderr


def test_report_json_schema_and_utf8(pmulab, tmp_path):
    """The report's JSON: a schema version, typed report-level values,
    counts in record fields as numbers (past 2^53 - 1 strings), everything
    else strings, UTF-8 passed through and any other byte as \\u00XX
    (docs/record-format.md, JSON)."""
    import json
    import zlib
    lines = []
    for seq, body in enumerate([b"hello format=1 note=caf%C3%A9%E9",
                                b"bench name=caf%C3%A9 reps=3 iters=9007199254740991 "
                                b"big=9007199254740992 ip=0x1000 delta=-2 id=007",
                                b"end count=2 status=ok"]):
        line = b"@PL1 %d " % seq + body
        lines.append(line + b" *%08x" % zlib.crc32(line))
    (tmp_path / "r.txt").write_bytes(b"\n".join(lines) + b"\n")
    proc = subprocess.run([str(pmulab), "report", str(tmp_path / "r.txt"), "--format", "json"],
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert b"caf\xc3\xa9\\u00e9" in proc.stdout
    assert b'"reps":3,' in proc.stdout
    doc = json.loads(proc.stdout)
    assert doc["schema"] == 2 and doc["stream"]["complete"] is True
    assert doc["stream"]["records"] == 3
    assert doc["records"][0]["fields"] == {"format": 1, "note": "caf\u00e9\u00e9"}
    bench = doc["records"][1]["fields"]
    assert bench == {"name": "caf\u00e9", "reps": 3, "iters": 9007199254740991,
                     "big": "9007199254740992", "ip": "0x1000", "delta": "-2", "id": "007"}
    assert type(bench["reps"]) is int and type(bench["name"]) is str
    assert doc["records"][2]["fields"]["count"] == 2


def test_compare_json_types_and_utf8(pmulab, tmp_path):
    """compare's JSON: counts, diff and pct as numbers, a side without a
    value as null, a non-ASCII bench name as UTF-8."""
    import json
    import zlib
    for name, cycles in (("a", b"100"), ("b", b"103")):
        lines = []
        for seq, body in enumerate([b"hello format=1", b"bench name=caf%C3%A9 reps=3",
                                    b"counter bench=caf%C3%A9 event=instructions value=100 "
                                    b"src=icount",
                                    b"counter bench=caf%C3%A9 event=cycles value=" + cycles +
                                    b" src=pmu",
                                    b"counter bench=caf%C3%A9 event=branches src=none "
                                    b"reason=no-arch-pmu",
                                    b"end count=5 status=ok"]):
            line = b"@PL1 %d " % seq + body
            lines.append(line + b" *%08x" % zlib.crc32(line))
        (tmp_path / name).write_bytes(b"\n".join(lines) + b"\n")
    proc = subprocess.run([str(pmulab), "compare", str(tmp_path / "a"), str(tmp_path / "b"),
                           "--format", "json"], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert b'"bench":"caf\xc3\xa9"' in proc.stdout
    doc = json.loads(proc.stdout)
    assert doc["schema"] == 2
    assert doc["counts"] == {"match": 1, "within": 1, "differ": 0, "na": 1}
    rows = {r["event"]: r for r in doc["rows"]}
    assert rows["cycles"]["bench"] == "caf\u00e9"
    assert (rows["cycles"]["a"], rows["cycles"]["b"], rows["cycles"]["diff"],
            rows["cycles"]["pct"]) == (100, 103, 3, 3)
    assert type(rows["cycles"]["a"]) is int and type(rows["cycles"]["tolerance_pct"]) is int
    assert rows["branches"]["a"] is None and "diff" not in rows["branches"]
