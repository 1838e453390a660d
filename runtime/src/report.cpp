//===- report.cpp - The training report: one self-contained HTML file -----===//
//
// Plain HTML, inline CSS and SVG: it opens anywhere, offline, and prints.
// Elements carry ids and data- attributes (e2e.report reads them from the
// DOM Chromium renders).
//
#include "kiln/report.h"

#include "kiln/file_io.h"
#include "support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace kiln {
namespace {

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string count(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

/// A value for a chart label: 4 significant digits.
std::string num(double v) { return fmt::format("{:.4g}", v); }
/// An axis label: short enough for the margin.
std::string tick(double v) { return fmt::format("{:.3g}", v); }

const char *kStyle = R"(
:root { --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --train: #2f6fdf; --val: #e0672b; --lr: #3a9a5b; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0; background: #f6f7f9; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 64px; }
header h1 { margin: 0; font-size: 28px; letter-spacing: -0.01em; }
header p { margin: 4px 0 0; color: var(--muted); }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0 8px; }
.kpi { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 140px; }
.kpi b { display: block; font-size: 22px; }
.kpi span { color: var(--muted); font-size: 13px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 20px 24px; margin-top: 20px; }
h2 { margin: 0 0 12px; font-size: 18px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
td.n, th.n { text-align: right; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg { width: 100%; height: auto; }
svg text { font-size: 11px; fill: var(--muted); }
.grid { stroke: var(--line); }
.train { stroke: var(--train); fill: none; stroke-width: 2; }
.val { stroke: var(--val); fill: none; stroke-width: 2; }
.lr { stroke: var(--lr); fill: none; stroke-width: 2; }
.legend { font-size: 13px; color: var(--muted); }
.legend i { display: inline-block; width: 14px; height: 3px; margin: 0 6px 3px 12px; vertical-align: middle; }
#confusion td { text-align: center; min-width: 36px; border: 1px solid #fff; }
#memory { margin-top: 16px; }
.outcome { margin-top: 8px; color: var(--muted); }
)";

/// One series of a chart: its name, CSS class and a value per epoch.
struct Series {
  std::string name, cls;
  std::vector<std::pair<int64_t, double>> points;
};

std::string chart(const std::string &id, const std::string &title,
                  const std::vector<Series> &series) {
  const double w = 480, h = 240, left = 64, right = 12, top = 12, bottom = 32;
  double lo = INFINITY, hi = -INFINITY;
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const Series &s : series)
    for (auto [epoch, v] : s.points) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      first = std::min(first, epoch);
      last = std::max(last, epoch);
    }
  if (hi == lo) {
    hi += std::max(std::fabs(hi) * 0.05, 1e-9);
    lo -= std::max(std::fabs(lo) * 0.05, 1e-9);
  }
  auto x = [&](int64_t epoch) {
    return last == first ? left + (w - left - right) / 2
                         : left + (w - left - right) * double(epoch - first) /
                                      double(last - first);
  };
  auto y = [&](double v) { return top + (h - top - bottom) * (hi - v) / (hi - lo); };
  std::string svg = fmt::format(
      "<figure id=\"{}\" data-metric=\"{}\"><figcaption>{}</figcaption>"
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
      id, id, escape(title), w, h, escape(title));
  for (int i = 0; i <= 4; ++i) {
    double v = lo + (hi - lo) * i / 4;
    svg += fmt::format("<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" "
                       "y2=\"{:.1f}\"/><text x=\"{}\" y=\"{:.1f}\" "
                       "text-anchor=\"end\">{}</text>",
                       left, w - right, y(v), y(v), left - 6, y(v) + 4, tick(v));
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"start\">"
                     "epoch {}</text>",
                     x(first), h - 10, first);
  if (last != first)
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"end\">"
                       "epoch {}</text>",
                       x(last), h - 10, last);
  std::string legend;
  for (const Series &s : series) {
    std::string points;
    for (auto [epoch, v] : s.points)
      points += fmt::format("{:.1f},{:.1f} ", x(epoch), y(v));
    svg += fmt::format("<polyline class=\"{}\" data-series=\"{}\" "
                       "data-points=\"{}\" points=\"{}\"/>",
                       s.cls, escape(s.name), s.points.size(), points);
    for (auto [epoch, v] : s.points)
      svg += fmt::format("<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\">"
                         "<title>{} epoch {}: {}</title></circle>",
                         s.cls, x(epoch), y(v), escape(s.name), epoch, num(v));
    legend += fmt::format("<i style=\"background: var(--{})\"></i>{}", s.cls,
                          escape(s.name));
  }
  return svg + "</svg><div class=\"legend\">" + legend + "</div></figure>";
}

/// The value of `name` in an epoch's record, if it reported it.
std::optional<double> metricOf(const EpochRecord &r, const std::string &name) {
  std::map<std::string, double> all = reportedMetrics(r);
  auto it = all.find(name);
  return it == all.end() ? std::nullopt : std::optional<double>(it->second);
}

std::string layersTable(const Manifest &m) {
  std::string html = "<table id=\"layers\"><thead><tr><th>layer</th><th>type</th>"
                     "<th>output shape</th><th>activation</th><th class=\"n\">"
                     "parameters</th><th class=\"n\">FLOPs / sample</th></tr></thead><tbody>";
  for (const LayerSpec &l : m.layers)
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                        "<td class=\"n\">{}{}</td><td class=\"n\">{}</td></tr>",
                        escape(l.name), escape(l.type), formatShape(l.outputShape),
                        l.activation.empty() ? "–" : escape(l.activation),
                        count(l.numParams), l.trainable ? "" : " (frozen)",
                        count(l.flops));
  return html + fmt::format("</tbody><tfoot><tr><th>total</th><th></th><th></th>"
                            "<th></th><th class=\"n\">{}</th><th class=\"n\">{}"
                            "</th></tr></tfoot></table>",
                            count(m.numParamElements()), count(m.flopsPerSample()));
}

std::string confusionTable(const ClassReport &c) {
  int64_t most = 1;
  for (const auto &row : c.confusion)
    for (int64_t v : row)
      most = std::max(most, v);
  std::string html = "<table id=\"confusion\"><thead><tr><th>true \\ predicted</th>";
  for (size_t j = 0; j < c.confusion.size(); ++j)
    html += fmt::format("<th>{}</th>", j);
  html += "</tr></thead><tbody>";
  for (size_t i = 0; i < c.confusion.size(); ++i) {
    html += fmt::format("<tr><th>{}</th>", i);
    for (size_t j = 0; j < c.confusion[i].size(); ++j) {
      double share = double(c.confusion[i][j]) / double(most);
      const char *ink = share > 0.55 ? "#fff" : "var(--ink)";
      html += fmt::format("<td style=\"background: rgba({}, {:.3f}); color: {}\">{}</td>",
                          i == j ? "47, 111, 223" : "224, 103, 43",
                          0.08 + 0.85 * share, ink, c.confusion[i][j]);
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

} // namespace

std::string renderReport(const ReportData &data) {
  const Manifest &m = *data.manifest;
  std::string html = fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{} · Kiln training report</title><style>{}</style></head><body><main>",
      escape(m.name), kStyle);
  html += fmt::format("<header><h1>{}</h1><p>Kiln training report · {} epoch{} · "
                      "loss {}</p></header>",
                      escape(m.name), data.history.size(),
                      data.history.size() == 1 ? "" : "s",
                      m.loss ? lossName(*m.loss) : "none");
  // Headline numbers.
  std::string kpis;
  auto kpi = [&](const std::string &label, const std::string &value) {
    kpis += fmt::format("<div class=\"kpi\"><b>{}</b><span>{}</span></div>",
                        escape(value), escape(label));
  };
  if (data.test) {
    kpi("test loss", num(data.test->loss));
    if (data.test->accuracy)
      kpi("test accuracy", fmt::format("{:.2f}%", 100 * *data.test->accuracy));
    if (data.test->r2)
      kpi("test R²", num(*data.test->r2));
  }
  if (!data.history.empty()) {
    double seconds = 0;
    for (const EpochRecord &r : data.history)
      seconds += r.seconds;
    kpi("training time", fmt::format("{:.1f} s", seconds));
    kpi("samples / s", count(int64_t(data.history.back().samplesPerSecond)));
  }
  kpi("parameters", count(m.numParamElements()));
  html += "<div class=\"kpis\">" + kpis + "</div>";
  if (!data.outcome.empty())
    html += "<p class=\"outcome\">" + escape(data.outcome) + "</p>";

  Manifest::Memory mem = m.memory();
  html += "<section id=\"model\"><h2>Model</h2>" + layersTable(m) +
          fmt::format("<table id=\"memory\"><thead><tr><th>memory</th><th class=\"n\">"
                      "bytes</th></tr></thead><tbody><tr><td>parameters</td><td class=\"n\">"
                      "{}</td></tr><tr><td>buffers</td><td class=\"n\">{}</td></tr><tr>"
                      "<td>optimizer state</td><td class=\"n\">{}</td></tr><tr><td>"
                      "prepared for inference</td><td class=\"n\">{}</td></tr><tr><td>"
                      "workspace</td><td class=\"n\">{}</td></tr></tbody></table></section>",
                      formatBytes(mem.params), formatBytes(mem.buffers),
                      formatBytes(mem.state), formatBytes(mem.derived),
                      formatBytes(mem.workspace));

  // One chart per metric, train and validation together.
  const std::vector<std::pair<std::string, std::string>> charts = {
      {"loss", "Loss"},          {"accuracy", "Accuracy"}, {"mae", "Mean absolute error"},
      {"rmse", "RMSE"},          {"r2", "R²"},             {"f1", "F1 (macro)"},
      {"auc", "ROC AUC"}};
  std::string figures;
  for (const auto &[key, title] : charts) {
    std::vector<Series> series;
    for (auto [prefix, cls, label] : {std::tuple<const char *, const char *, const char *>{
                                          "train_", "train", "train"},
                                      {"val_", "val", "validation"}}) {
      Series s{label, cls, {}};
      for (const EpochRecord &r : data.history)
        if (auto v = metricOf(r, prefix + key); v && std::isfinite(*v))
          s.points.push_back({r.epoch, *v});
      if (!s.points.empty())
        series.push_back(std::move(s));
    }
    if (!series.empty())
      figures += chart(key, title, series);
  }
  Series lr{"learning rate", "lr", {}};
  for (const EpochRecord &r : data.history)
    if (std::isfinite(r.lr))
      lr.points.push_back({r.epoch, r.lr});
  if (!lr.points.empty())
    figures += chart("lr", "Learning rate (last step of each epoch)", {lr});
  html += "<section id=\"curves\"><h2>Training</h2><div class=\"charts\">" + figures +
          "</div></section>";

  if (data.test) {
    const Metrics &t = *data.test;
    std::string rows = fmt::format("<tr><td>loss</td><td class=\"n\">{}</td></tr>", num(t.loss));
    auto row = [&](const char *name, const std::optional<double> &v) {
      if (v)
        rows += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td></tr>", name, num(*v));
    };
    row("accuracy", t.accuracy);
    row("MAE", t.mae);
    row("RMSE", t.rmse);
    row("R²", t.r2);
    if (t.classes) {
      for (const auto &[k, v] : t.classes->topK)
        rows += fmt::format("<tr><td>top-{} accuracy</td><td class=\"n\">{}</td></tr>", k, num(v));
      row("precision (macro)", t.classes->macroPrecision);
      row("recall (macro)", t.classes->macroRecall);
      row("F1 (macro)", t.classes->macroF1);
      row("ROC AUC", t.classes->auc);
    }
    html += "<section id=\"test\"><h2>Test</h2><table id=\"test-metrics\"><tbody>" + rows +
            "</tbody></table>";
    if (t.classes)
      html += "<h2 style=\"margin-top: 20px\">Confusion matrix</h2>" + confusionTable(*t.classes);
    html += "</section>";
  }

  std::string settings;
  for (const auto &[key, value] : data.settings)
    settings += fmt::format("<tr><td>{}</td><td>{}</td></tr>", escape(key), escape(value));
  html += "<section id=\"settings\"><h2>Run</h2><table><tbody>" + settings +
          "</tbody></table></section>";
  return html + "</main></body></html>\n";
}

void writeReport(const std::string &path, const ReportData &data) {
  writeFileAtomic(path, renderReport(data));
}

} // namespace kiln
