"""The function tracer under QEMU TCG: the compiler's hooks become NOPs at
boot, tracing patches CALLs in and out with the INT3 protocol, the tracers
see the call tree of microbench/traced.c exactly as it is, and the costs are
exact instruction counts under -icount."""
import re
import subprocess

import pytest

CHAIN = [("tr_top", "run_chain"), ("tr_mid", "tr_top"), ("tr_leaf", "tr_mid"),
         ("tr_leaf", "tr_mid"), ("tr_leaf", "tr_top")]
GRAPH = ([("tr_top", "entry", 0), ("tr_mid", "entry", 1), ("tr_leaf", "entry", 2),
          ("tr_leaf", "exit", 2), ("tr_leaf", "entry", 2), ("tr_leaf", "exit", 2),
          ("tr_mid", "exit", 1), ("tr_leaf", "entry", 1), ("tr_leaf", "exit", 1),
          ("tr_top", "exit", 0)]
         + [("tr_recurse", "entry", d) for d in range(4)]
         + [("tr_recurse", "exit", d) for d in range(3, -1, -1)])


@pytest.fixture(scope="module")
def traced(boot):
    run = boot("suite=ftrace")
    assert run.rc == 0, run.stderr
    return run


def test_sites_become_nops_at_every_boot(boot):
    run = boot("suite=none")
    assert run.rc == 0, run.stderr
    ft = run.first("ftrace")
    assert int(ft["sites"]) >= 8 and ft["converted"] == ft["sites"] and ft["refused"] == "0"
    assert ft["nop"] == "0f1f440000"
    assert run.first("check", name="ftrace.sites-nop") == {
        "name": "ftrace.sites-nop", "result": "pass", "section": "ftrace-init", "value": "0",
        "expect": "0"}


def test_every_ftrace_check_passes(traced):
    checks = {c["name"]: c for c in traced.all("check") if c["name"].startswith("ftrace.")}
    assert set(checks) >= {
        "ftrace.sites-nop", "ftrace.function.sequence", "ftrace.function.result",
        "ftrace.graph.shape", "ftrace.graph.result", "ftrace.profile.tr_leaf",
        "ftrace.profile.tr_recurse", "ftrace.notrace", "ftrace.int3-redirect",
        "ftrace.restored", "ftrace.text-crc", "ftrace.nop-cost", "ftrace.function-cost",
        "ftrace.patch-all.restored"}
    assert all(c["result"] == "pass" for c in checks.values()), checks
    assert traced.first("end")["status"] == "ok"


def test_function_trace_is_the_call_tree(traced):
    trace = traced.first("trace", name="chain")
    assert trace["tracer"] == "function" and trace["entries"] == "5" and trace["lost"] == "0"
    fns = [r for r in traced.all("trace_fn") if r["trace"] == "chain"]
    assert [(r["sym"], re.sub(r"\+0x[0-9a-f]+$", "", r["parent_sym"])) for r in fns] == CHAIN
    ts = [int(r["ts"]) for r in fns]
    assert ts == sorted(ts) and ts[0] > 0


def test_graph_trace_nests_and_times(traced):
    events = [r for r in traced.all("trace_graph") if r["trace"] == "graph"]
    assert [(r["sym"], r["type"], int(r["depth"])) for r in events] == GRAPH
    for r in events:
        if r["type"] == "exit":
            assert int(r["duration"]) > 0
    # An outer call lasts longer than the calls inside it.
    top = next(int(r["duration"]) for r in events if r["sym"] == "tr_top" and r["type"] == "exit")
    mid = next(int(r["duration"]) for r in events if r["sym"] == "tr_mid" and r["type"] == "exit")
    assert top > mid


def test_profile_counts_hits(traced):
    prof = {r["sym"]: r for r in traced.all("trace_profile") if r["trace"] == "profile"}
    assert prof["tr_leaf"]["hits"] == "3" and prof["tr_mid"]["hits"] == "1"
    assert prof["tr_top"]["hits"] == "1" and prof["tr_recurse"]["hits"] == "4"
    for p in prof.values():
        assert int(p["avg"]) == int(p["total"]) // int(p["hits"])


def test_costs_are_exact(traced):
    """A disabled site is one instruction (the NOP); tracing adds a fixed,
    exact number per call."""
    assert traced.first("check", name="ftrace.nop-cost")["value"] == "1"
    fn = traced.first("ftrace_cost", tracer="function")
    graph = traced.first("ftrace_cost", tracer="function_graph")
    assert 1 <= int(fn["insns_per_call"]) <= 40
    assert int(graph["insns_per_call"]) > int(fn["insns_per_call"])
    for name in ("ftrace-plain", "ftrace-nop", "ftrace-function", "ftrace-graph"):
        bench = traced.first("bench", name=name)
        assert bench["tsc_min"] == bench["tsc_max"]
    patch = traced.first("ftrace_patch")
    assert int(patch["sites"]) >= 8 and int(patch["enable_insns"]) > 0


# The ftrace text format, as /sys/kernel/tracing/trace prints it.
FN_LINE = re.compile(r"^ +<idle>-0 +\[000\] \.{5} +\d+\.\d{6}: (\w+) <-(\w+)$")
GRAPH_LINE = re.compile(r"^ 0\) ([ +!#*@$]) ?(?:([ 0-9.]+) (?:us|tk))? +\|( +)(.*)$")


def test_ftrace_text_format(traced, pmulab):
    proc = subprocess.run([str(pmulab), "report", str(traced.dir), "--format", "ftrace"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    blocks = proc.stdout.split("# trace: ")[1:]
    assert [b.split("\n", 1)[0] for b in blocks] == ["chain", "graph", "profile"]

    chain = blocks[0].splitlines()
    assert "# tracer: function" in chain
    assert "# entries-in-buffer/entries-written: 5/5   #P:1" in chain
    entries = [l for l in chain if not l.startswith("#") and l.strip()][1:]
    calls = [FN_LINE.match(l) for l in entries]
    assert all(calls), entries
    assert [(m.group(1), m.group(2)) for m in calls] == CHAIN
    stamps = [float(l.split(":")[0].split()[-1]) for l in entries]
    assert stamps == sorted(stamps)

    graph = blocks[1].splitlines()
    assert "# tracer: function_graph" in graph
    assert "# CPU  DURATION                  FUNCTION CALLS" in graph
    body = [l for l in graph[1:] if l.startswith(" 0)")]
    assert all(GRAPH_LINE.match(l) for l in body), body
    text = "\n".join(body)
    assert "tr_top() {" in text and "} /* tr_top */" in text
    assert text.count("tr_leaf();") == 3 and text.count("tr_recurse() {") == 3

    profile = blocks[2].splitlines()
    assert "# tracer: function_profile" in profile
    rows = {l.split()[0]: l.split() for l in profile if l.startswith("  tr_")}
    assert rows["tr_leaf"][1] == "3" and rows["tr_recurse"][1] == "4"


def test_trace_json_opens_in_perfetto(traced, pmulab):
    import json
    proc = subprocess.run([str(pmulab), "report", str(traced.dir), "--format", "trace-json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    events = [e for e in doc["traceEvents"] if e.get("cat") == "graph"]
    assert [e["ph"] for e in events].count("B") == [e["ph"] for e in events].count("E") == 9
    depth = 0
    for e in events:
        depth += 1 if e["ph"] == "B" else -1
        assert depth >= 0
    assert depth == 0
    # A span is the call's duration as the text trace shows it: E - B is the
    # exit record's duration, not the distance between the two records'
    # timestamps (which holds the tracer's own time).
    hz = int(traced.first("trace", name="graph")["tsc_hz"])
    exits = [r for r in traced.all("trace_graph") if r["trace"] == "graph" and r["type"] == "exit"]
    opened, spans = [], []
    for e in events:
        if e["ph"] == "B":
            opened.append(e["ts"])
        else:
            spans.append(e["ts"] - opened.pop())
    assert len(spans) == len(exits)
    for span, x in zip(spans, exits):
        # ts are microseconds with three decimals, each rounded once
        assert abs(span - int(x["duration"]) * 1e6 / hz) < 0.002, (span, x)
    # Under -icount the TSC is QEMU's instruction clock, and the text says so.
    text = subprocess.run([str(pmulab), "report", str(traced.dir), "--format", "ftrace"],
                          capture_output=True, text=True).stdout
    assert "# clock: QEMU -icount time" in text
    assert doc["otherData"]["traces"][0]["ts_unit"].endswith("of QEMU -icount time, not wall time")


def test_stop_mode_takes_the_c_path(boot):
    """ftrace_ring=stop: the function tracer runs in C (the asm fast path is
    for an overwriting ring, which the cost benches use) and sees the same
    tree."""
    run = boot("suite=ftrace", "ftrace_ring=stop")
    assert run.rc == 0, run.stderr
    assert run.first("trace", name="chain")["mode"] == "stop"
    assert run.first("check", name="ftrace.function.sequence")["result"] == "pass"
    assert not [c for c in run.all("check") if c["result"] == "fail"]
