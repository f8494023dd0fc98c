#include "explore/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "explore/pareto.h"
#include "report/colour.h"
#include "report/ticks.h"

namespace ss::explore {

namespace {

std::string describe(const StoredDesign& d, const std::vector<std::string>& keys) {
  std::string s;
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i] + "=" + d.inputs[i];
  return s.empty() ? d.model : s;
}

// The design of a front closest to the utopia point after scaling each objective to [0, 1]
// over the front (the "knee"), and the best per objective.
std::vector<std::pair<std::string, size_t>> choose(const std::vector<std::vector<double>>& f,
                                                   const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, size_t>> out;
  if (f.empty()) return out;
  const size_t k = f[0].size();
  std::vector<double> lo(k, INFINITY), hi(k, -INFINITY);
  for (const auto& p : f)
    for (size_t j = 0; j < k; ++j) lo[j] = std::min(lo[j], p[j]), hi[j] = std::max(hi[j], p[j]);
  size_t knee = 0;
  double best = INFINITY;
  for (size_t i = 0; i < f.size(); ++i) {
    double d = 0;
    for (size_t j = 0; j < k; ++j) {
      const double x = hi[j] > lo[j] ? (f[i][j] - lo[j]) / (hi[j] - lo[j]) : 0;
      d += x * x;
    }
    if (d < best) best = d, knee = i;
  }
  out.emplace_back("balanced", knee);
  for (size_t j = 0; j < k; ++j) {
    size_t m = 0;
    for (size_t i = 1; i < f.size(); ++i)
      if (f[i][j] < f[m][j]) m = i;
    out.emplace_back("lowest " + names[j], m);
  }
  return out;
}

}  // namespace

Summary summarize(const Store& store) {
  Summary s;
  const auto& id = store.header().identity;
  const auto& keys = store.header().axis_keys;
  const auto designs = store.designs();
  std::vector<std::string> objectives = id.value("objectives", std::vector<std::string>{});
  std::vector<Constraint> cons;
  for (const auto& c : id.value("constraints", std::vector<std::string>{}))
    cons.push_back(parse_constraint(c));
  std::vector<size_t> obj;
  for (const auto& o : objectives) obj.push_back(metric_index(o));
  const auto& mi = metric_infos();
  s.designs = designs.size();
  for (const auto& d : designs)
    for (const auto& r : d.result.styles) {
      ++s.rows;
      if (!r.error.empty()) ++s.failed;
    }
  const auto rows = feasible_rows(designs, cons);
  s.feasible = rows.size();
  std::vector<std::string> styles;
  for (const auto& r : rows)
    if (std::find(styles.begin(), styles.end(), r.style_name()) == styles.end())
      styles.push_back(r.style_name());

  nlohmann::json fronts = nlohmann::json::object();
  std::string text;
  report::ExplorePage::Table front_table;
  front_table.id = "front";
  front_table.title = "The fronts";
  front_table.caption = fmt::format(
      "Designs no other design of the same style beats on every objective ({}), feasible under {}.",
      fmt::join(objectives, ", "),
      cons.empty()
          ? std::string("no constraint")
          : fmt::format("{}",
                        fmt::join(id.value("constraints", std::vector<std::string>{}), "; ")));
  front_table.header = {"style", "label", "design"};
  for (size_t o : obj) front_table.header.push_back(mi[o].label);
  char next_label = 'A';
  // per style: front on the study's objectives; chosen designs labelled
  std::map<std::string, std::vector<std::pair<size_t, std::string>>>
      labelled;  // style -> (row, label)
  for (const auto& st : styles) {
    std::vector<size_t> idx;
    std::vector<std::vector<double>> pts;
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].style_name() == st) {
        idx.push_back(i);
        std::vector<double> p;
        for (size_t o : obj) p.push_back(rows[i].metrics()[o]);
        pts.push_back(p);
      }
    const auto f = pareto_front(pts);
    std::vector<std::vector<double>> fp;
    for (size_t i : f) fp.push_back(pts[i]);
    const auto chosen = choose(fp, objectives);
    std::map<size_t, std::string> label_of;  // front index -> label
    nlohmann::json jc = nlohmann::json::array();
    for (const auto& [why, fi] : chosen) {
      if (!label_of.count(fi))
        label_of[fi] = std::string(1, next_label <= 'Z' ? next_label++ : '*');
      const Row& r = rows[idx[f[fi]]];
      jc.push_back({{"why", why},
                    {"label", label_of[fi]},
                    {"seq", r.design->seq},
                    {"design", describe(*r.design, keys)}});
    }
    nlohmann::json jf = nlohmann::json::array();
    text += fmt::format("{} ({} feasible, front of {}):\n", st, pts.size(), f.size());
    for (size_t k = 0; k < f.size(); ++k) {
      const Row& r = rows[idx[f[k]]];
      nlohmann::json e = {{"seq", r.design->seq}, {"design", describe(*r.design, keys)}};
      std::vector<std::string> cells = {st, label_of.count(k) ? label_of[k] : "",
                                        describe(*r.design, keys)};
      std::string line = fmt::format("  {:>2} {}", label_of.count(k) ? label_of[k] : "",
                                     describe(*r.design, keys));
      for (size_t o : obj) {
        e[mi[o].column] = r.metrics()[o];
        cells.push_back(report::format_value(r.metrics()[o]));
        line += fmt::format("  {}={}", mi[o].objective, report::format_value(r.metrics()[o]));
      }
      if (label_of.count(k)) labelled[st].emplace_back(idx[f[k]], label_of[k]);
      jf.push_back(e);
      if (k < 12) text += line + "\n";
      // the page keeps at most 40 designs per style (ties can make fronts of thousands)
      if (k < 40 || label_of.count(k)) front_table.rows.push_back(cells);
    }
    if (f.size() > 40)
      front_table.rows.push_back(
          {st, "",
           fmt::format("... {} more on the front (--export has every row)", f.size() - 40)});
    if (f.size() > 12)
      text += fmt::format("  ... {} more (export or --report for all)\n", f.size() - 12);
    fronts[st] = {{"feasible", pts.size()}, {"front", jf}, {"chosen", jc}};
  }

  // sensitivity per objective
  nlohmann::json sens = nlohmann::json::object();
  report::ExplorePage::Table sens_table;
  sens_table.id = "sensitivity";
  sens_table.title = "Sensitivity";
  sens_table.caption =
      "For each objective, how far the mean over feasible designs moves between the best and the "
      "worst value of each factor (main effect, relative to the overall mean); the factor that "
      "moves it most first.";
  sens_table.header = {"objective", "factor", "spread", "best value", "worst value"};
  for (size_t o : obj) {
    const auto sv = sensitivity(rows, o, keys);
    nlohmann::json js = nlohmann::json::array();
    for (const auto& x : sv) {
      js.push_back(
          {{"factor", x.factor}, {"spread", x.spread}, {"best", x.best}, {"worst", x.worst}});
      if (x.spread > 0)
        sens_table.rows.push_back(
            {mi[o].objective, x.factor, fmt::format("{:.1f} %", 100 * x.spread), x.best, x.worst});
    }
    sens[mi[o].objective] = js;
  }

  // charts: energy vs latency, energy vs footprint (and the study's own pair if different)
  std::vector<std::pair<size_t, size_t>> pairs = {
      {metric_index("latency"), metric_index("energy")},
      {metric_index("footprint"), metric_index("energy")}};
  if (obj.size() >= 2 &&
      std::find(pairs.begin(), pairs.end(), std::make_pair(obj[1], obj[0])) == pairs.end() &&
      std::find(pairs.begin(), pairs.end(), std::make_pair(obj[0], obj[1])) == pairs.end())
    pairs.emplace_back(obj[1], obj[0]);
  for (const auto& [xm, ym] : pairs) {
    report::ScatterChart c;
    c.title = fmt::format("{} vs {}", mi[ym].objective, mi[xm].objective);
    c.x_label = mi[xm].label;
    c.y_label = mi[ym].label;
    for (size_t si = 0; si < styles.size(); ++si) {
      const std::string colour = report::palette(si);
      report::ScatterSeries cloud, front;
      cloud.name = styles[si] + " (all)";
      cloud.colour = colour;
      cloud.legend = false;
      front.name = styles[si];
      front.colour = colour;
      front.front = true;
      std::vector<size_t> idx;
      std::vector<std::vector<double>> pts;
      for (size_t i = 0; i < rows.size(); ++i)
        if (rows[i].style_name() == styles[si]) {
          idx.push_back(i);
          pts.push_back({rows[i].metrics()[xm], rows[i].metrics()[ym]});
        }
      // at most ~1500 background points per style keep the page light
      const size_t stride = std::max<size_t>(1, pts.size() / 1500);
      for (size_t k = 0; k < pts.size(); k += stride)
        cloud.points.push_back({pts[k][0], pts[k][1], describe(*rows[idx[k]].design, keys), ""});
      for (size_t k : pareto_front(pts)) {
        std::string label;
        for (const auto& [row, l] : labelled[styles[si]])
          if (row == idx[k]) label = l;
        front.points.push_back(
            {pts[k][0], pts[k][1],
             fmt::format("{} · {} · {}={} {}={}", styles[si], describe(*rows[idx[k]].design, keys),
                         mi[xm].objective, report::format_value(pts[k][0]), mi[ym].objective,
                         report::format_value(pts[k][1])),
             label});
      }
      c.series.push_back(std::move(cloud));
      c.series.push_back(std::move(front));
    }
    // clouds first, fronts on top
    std::stable_partition(c.series.begin(), c.series.end(), [](const auto& x) { return !x.front; });
    s.page.figures.push_back(
        {c.title, report::scatter_chart(c),
         fmt::format("Each dot a feasible design in one style; lines: each style's Pareto front in "
                     "these two metrics. Letters: the designs chosen on the study's front ({}).",
                     fmt::join(objectives, ", "))});
  }
  s.page.title = fmt::format("Design space: {}", id.value("name", "study"));
  s.page.lead = fmt::format(
      "{} designs x styles = {} evaluated points ({} failed to build, {} feasible), strategy {}.",
      s.designs, s.rows, s.failed, s.feasible, id.value("strategy", "?"));
  std::string models;
  for (const auto& m : id.value("models", nlohmann::json::array()))
    models += (models.empty() ? "" : ", ") + m.value("path", "");
  s.page.inputs = {{"models", models},
                   {"architecture", id.value("arch", "")},
                   {"technology", id.value("tech", "")},
                   {"objectives", fmt::format("{}", fmt::join(objectives, ", "))},
                   {"thermal", id.value("thermal", "")},
                   {"store", store.path()}};
  for (const auto& a : id.value("axes", nlohmann::json::array()))
    s.page.inputs.emplace_back(
        "axis " + a.value("key", ""),
        fmt::format("{} values", a.value("values", nlohmann::json::array()).size()));
  if (s.feasible == 0) s.page.note = "No design meets the constraints: nothing to plot.";
  s.page.tables = {front_table, sens_table};
  s.page.footer =
      fmt::format("spikestack {} · store schema {}", store.header().version, kStoreSchema);
  s.text = text;
  s.json = {{"designs", s.designs},   {"rows", s.rows},   {"failed", s.failed},
            {"feasible", s.feasible}, {"fronts", fronts}, {"sensitivity", sens}};
  return s;
}

}  // namespace ss::explore
