"""The html report rendered by a browser: headless Chromium loads the page
and its DOM, after the page's own scripts ran, holds the sections in the
order a reader wants them: results first, how the run was set up last."""
import html.parser
import shutil
import subprocess

import pytest

# Chromium starts, renders one page and prints its DOM in a few seconds; a
# busy machine gets this much.
CHROMIUM_S = 120


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if not path:
        pytest.skip("chromium is not installed (scripts/deps.sh browser installs it; "
                    "make test runs that)")
    return path


class Dom(html.parser.HTMLParser):
    """The rendered DOM as (tag, attrs) in document order, each <h2> id in
    order, and which tags sit inside a given class of element."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.h2, self.stack = [], [], []
        self.text = text
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs, [c for _, a in self.stack for c in
                                       (a.get("class") or "").split()]))
        if tag == "h2":
            self.h2.append(attrs.get("id"))
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def inside(self, tag, cls):
        return [a for t, a, within in self.tags if t == tag and cls in within]


def rendered(chromium, pmulab, run, tmp_path):
    page = tmp_path / "report.html"
    proc = subprocess.run([str(pmulab), "report", str(run.dir), "--format", "html"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    page.write_text(proc.stdout)
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=CHROMIUM_S)
    assert dom.returncode == 0 and "<body" in dom.stdout, dom.stderr[-2000:]
    shot = tmp_path / "report.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
                   capture_output=True, timeout=CHROMIUM_S)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return Dom(dom.stdout)


def test_a_default_run_leads_with_its_results(chromium, pmulab, boot, tmp_path):
    run = boot()
    assert run.rc == 0, run.stderr
    dom = rendered(chromium, pmulab, run, tmp_path)
    order = [h for h in dom.h2 if h in ("results", "plots", "checks", "capabilities")]
    assert order == ["results", "plots", "checks", "capabilities"], dom.h2
    assert dom.h2.index("results") == 0
    benches = [a for t, a, _ in dom.tags if t == "table" and a.get("class") == "suite"]
    assert len(benches) == 2        # suite pmu-check and suite quick
    plots = dom.inside("svg", "plot") + dom.inside("img", "plot")
    if not shutil.which("gnuplot"):
        pytest.skip("no gnuplot: the page says why it has no plots")
    assert plots, "no plot drawn as <svg> or <img>"


def test_a_sampled_run_shows_its_profile_and_flame_graph(chromium, pmulab, boot, tmp_path):
    run = boot("suite=sample")
    assert run.rc == 0, run.stderr
    dom = rendered(chromium, pmulab, run, tmp_path)
    assert dom.h2.index("results") < dom.h2.index("profile") < dom.h2.index("capabilities")
    frames = [a for t, a, within in dom.tags
              if t == "g" and a.get("class") == "f" and "flame" in within]
    assert frames and {"hot", "cold"} <= {a.get("data-name") for a in frames}
    # Not a row per sample: the page says how many it left to --format records.
    samples = int(run.first("sampling")["samples"])
    rows = [a for t, a, _ in dom.tags if t == "tr"]
    assert len(rows) < samples


def test_a_traced_run_shows_its_trace(chromium, pmulab, boot, tmp_path):
    run = boot("suite=ftrace")
    assert run.rc == 0, run.stderr
    dom = rendered(chromium, pmulab, run, tmp_path)
    assert dom.h2.index("results") < dom.h2.index("trace") < dom.h2.index("capabilities")
    trace = dom.text[dom.text.index('<pre class="trace">'):]
    trace = trace[:trace.index("</pre>")]
    assert "# tracer: function_graph" in trace
