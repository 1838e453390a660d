"""e2e: the training report (`train --report FILE.html`), rendered by headless
Chromium (Debian's chromium; scripts/install-deps.sh --test installs it).

Usage: report.py KILNC SRC WORKDIR

A CNN trains 3 epochs on a Fashion-MNIST subset with a validation split and a
cosine schedule; Chromium loads the report and dumps the DOM it rendered; the
checks read that DOM: the layer table has one row per layer with the
manifest's parameter counts, every chart (loss, accuracy, F1, AUC, learning
rate) has one point per epoch for each of its series, the confusion matrix is
10 x 10 and sums to the test set, the test metrics and settings are there,
and nothing is fetched or run (no script, no external URL). A screenshot is
taken too (report.png in WORKDIR, for people). Missing Chromium is a failure.
"""
import json, os, shutil, subprocess, sys
from html.parser import HTMLParser

kilnc, src, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
os.chdir(work)
browser = shutil.which("chromium") or sys.exit("report.py: chromium is missing "
                                               "(scripts/install-deps.sh --test installs it)")
subprocess.run([sys.executable, f"{src}/test/e2e/fashion_subset.py", "data", "3000", "500"], check=True)
subprocess.run([kilnc, f"{src}/examples/fashion_cnn/model.json", "-o", "cnn"], check=True)
subprocess.run(["./cnn", "train", "--data", "data", "--epochs", "3", "--validation-split", "0.1",
                "--schedule", '{"type": "cosine", "warmup_steps": 20}', "--report", "report.html",
                "--metrics-json", "m.json"], check=True, stdout=subprocess.DEVNULL)
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,2600"]
dom = subprocess.run([browser, *flags, "--dump-dom", f"file://{os.path.abspath('report.html')}"],
                     check=True, capture_output=True, text=True).stdout
subprocess.run([browser, *flags, "--screenshot=report.png", f"file://{os.path.abspath('report.html')}"],
               check=True, capture_output=True)


class Dom(HTMLParser):
    """Elements as (tag, attrs, path of ids), and the text per id'd element."""

    def __init__(self):
        super().__init__()
        self.elements, self.stack = [], []
        self.text = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ids = [a.get("id") for _, a in self.stack if a.get("id")]
        self.elements.append((tag, attrs, ids + ([attrs["id"]] if attrs.get("id") else [])))
        if tag not in ("circle", "line", "polyline", "meta", "i", "br"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if not any(t == tag for t, _ in self.stack):
            return  # </polyline> and the like: never pushed
        while self.stack[-1][0] != tag:
            self.stack.pop()
        self.stack.pop()

    def handle_data(self, data):
        for _, a in self.stack:
            if a.get("id"):
                self.text[a["id"]] = self.text.get(a["id"], "") + data + " "


d = Dom()
d.feed(dom)
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def inside(element_id, tag):
    return [e for e in d.elements if e[0] == tag and element_id in e[2]]


manifest_layers = 7  # fashion_cnn: conv, pool, conv, pool, flatten, dense, dense
rows = [e for e in inside("layers", "tr")]
expect(len(rows) == 1 + manifest_layers + 1, f"layer table rows {len(rows)}")  # head, layers, total
expect("225,034" in d.text.get("layers", ""), "total parameters 225,034 in the layer table")
history = json.load(open("m.json"))["history"]
for chart, series in (("loss", {"train", "validation"}), ("accuracy", {"validation"}),
                      ("f1", {"validation"}), ("auc", {"validation"}), ("lr", {"learning rate"})):
    lines = inside(chart, "polyline")
    names = {e[1].get("data-series") for e in lines}
    expect(series <= names, f"chart {chart}: series {names}, expected {series}")
    for e in lines:
        points = e[1]["points"].split()
        expect(len(points) == len(history) == int(e[1]["data-points"]),
               f"chart {chart}, {e[1].get('data-series')}: {len(points)} points for {len(history)} epochs")
cells = inside("confusion", "td")
expect(len(cells) == 100, f"confusion matrix cells {len(cells)}")
numbers = [int(t) for t in d.text.get("confusion", "").split() if t.isdigit()]
counts = [n for i, n in enumerate(numbers[10:]) if i % 11]  # past the header, without row labels
expect(len(counts) == 100 and sum(counts) == 500, f"confusion matrix counts sum to {sum(counts)}")
test = json.load(open("m.json"))["test"]
expect(f"{test['loss']:.4g}" in d.text.get("test-metrics", ""), "test loss in the test table")
expect("cosine" in d.text.get("settings", ""), "the schedule in the settings")
expect(not any(e[0] == "script" for e in d.elements), "no script")
expect(not any(v and str(v).startswith(("http:", "https:", "//")) for _, a, _ in d.elements
               for k, v in a.items() if k in ("src", "href")), "no external resource")
print(f"report: {len(d.elements)} elements, {len(rows)} layer rows, {len(cells)} confusion cells, "
      f"{len(history)} epochs per curve")
for f in failures:
    print("MISMATCH " + f)
print("ok" if not failures else f"MISMATCH: {len(failures)} checks failed")
sys.exit(1 if failures else 0)
