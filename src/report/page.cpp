// index.html: header, inputs, at-a-glance cards, headline table, then the figures by section.
#include "report/page.h"

#include <fmt/format.h>

#include <cmath>

#include "report/csv.h"
#include "report/figures.h"
#include "report/page_style.h"
#include "report/svg.h"
#include "report/ticks.h"

namespace ss::report {

namespace {

std::string h(std::string_view s) { return escape_xml(s); }

std::string accuracy(std::optional<double> a) {
  return a ? fmt::format("{:.2f} %", 100 * *a) : "not measured";
}

void inputs(std::string& o, const Document& d) {
  o += "<section id=\"inputs\"><h2>Inputs</h2><dl class=\"inputs\">";
  auto item = [&](const char* k, const std::string& v) {
    o += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", k, h(v));
  };
  item("Model", d.inputs.model);
  item("Architecture", d.inputs.architecture);
  item("Technology", d.inputs.technology);
  item("Data set", d.inputs.dataset);
  item("Samples", std::to_string(d.inputs.samples));
  if (!d.inputs.head_pruning.empty()) item("Head pruning", d.inputs.head_pruning);
  item("Accuracy (float)", accuracy(d.accuracy_float));
  item("Accuracy (int, hardware)", accuracy(d.accuracy_int));
  item("Styles", [&] {
    std::string s;
    for (const auto& st : d.styles) s += (s.empty() ? "" : ", ") + st.label;
    return s;
  }());
  o += "</dl></section>\n";
}

void glance(std::string& o, const Document& d) {
  if (d.styles.size() < 2) return;
  o += "<div class=\"cards\">";
  const auto& base = d.styles[0];
  for (size_t i = 1; i < d.styles.size(); ++i) {
    const auto& st = d.styles[i];
    o += fmt::format("<div class=\"card\"><h3>{} vs {}</h3><ul>", h(st.label), h(base.label));
    for (const char* key :
         {"energy_uj", "latency_us", "power_mw", "footprint_mm2", "peak_temp_c"}) {
      const Metric* m = st.find_metric(key);
      if (!m) continue;
      double b = base.find_metric(key)->value;
      o += fmt::format("<li><span>{}</span><span class=\"{}\">{}</span></li>",
                       h(metric_info(key).label), change_class(key, m->value, b),
                       h(change_label(key, m->value, b)));
    }
    o += "</ul></div>";
  }
  o += "</div>\n";
}

void headline(std::string& o, const Document& d) {
  const auto& base = d.styles[0];
  o += "<section id=\"headline\"><h2>Headline comparison</h2>"
       "<p class=\"lead\">Per inference, every integration style against the " +
       h(base.label) + " baseline. Green is better, red is worse.</p>";
  glance(o, d);
  o += "<div class=\"table-wrap\"><table><thead><tr><th>Metric</th><th class=\"unit\">Unit</th>";
  for (size_t i = 0; i < d.styles.size(); ++i) {
    o += fmt::format("<th>{}</th>", h(d.styles[i].label));
    if (i > 0) o += fmt::format("<th>Change</th>");
  }
  o += "</tr></thead><tbody>";
  for (const auto& bm : base.metrics) {
    MetricInfo info = metric_info(bm.key);
    o += fmt::format("<tr data-metric=\"{}\"><td>{}</td><td class=\"unit\">{}</td>", h(bm.key),
                     h(info.label), h(info.unit));
    for (size_t i = 0; i < d.styles.size(); ++i) {
      double v = d.styles[i].find_metric(bm.key)->value;
      o += fmt::format("<td title=\"{}\">{}</td>", csv_number(v), h(format_value(v)));
      if (i > 0) {
        o += fmt::format("<td class=\"{}\">{}</td>", change_class(bm.key, v, bm.value),
                         h(change_label(bm.key, v, bm.value)));
      }
    }
    o += "</tr>";
  }
  o += "</tbody></table></div></section>\n";
}

// The head-pruning study's table, when the document has one (docs/validation.md).
void pruning_study(std::string& o, const Document& d) {
  if (!d.pruning_study) return;
  const PruningStudy& p = *d.pruning_study;
  o += "<section id=\"pruning\"><h2>Dynamic head pruning</h2><p class=\"lead\">Accuracy and "
       "cost per inference against the keep ratio, per integration style; trained-in pruning "
       "(fine-tuned with the mask) next to pruning applied to the unpruned model.</p>"
       "<div class=\"table-wrap\"><table><thead><tr>";
  for (const auto& c : p.columns) o += fmt::format("<th>{}</th>", h(c));
  o += "</tr></thead><tbody>";
  for (const auto& r : p.rows) {
    o += "<tr>";
    for (const auto& c : r) o += fmt::format("<td>{}</td>", h(c));
    o += "</tr>";
  }
  o += "</tbody></table></div>";
  if (!p.commands.empty()) o += fmt::format("<pre>{}</pre>", h(p.commands));
  o += "</section>\n";
}

struct Section {
  const char* id;
  const char* title;
  const char* lead;
  bool grid;  // small figures side by side
};

constexpr Section kSections[] = {
    {"comparison", "2D vs 3D, metric by metric",
     "The overview shows every change at once; the small charts below give each metric's values.",
     false},
    {"energy", "Where the energy goes", "Energy per inference, split by component and by tier.",
     false},
    {"area", "Where the area goes", "Silicon area by component and tier.", false},
    {"thermal", "Thermal maps",
     "Steady-state temperature of each tier at the power of this workload; every map shares one "
     "colour scale.",
     true},
    {"workload", "The workload",
     "What the spiking transformer asks of the hardware: latency per layer, firing "
     "activity per layer and time step, and how the router spreads tokens over experts.",
     false},
};

void figure(std::string& o, const Figure& f) {
  o += fmt::format(
      "<figure class=\"chart\" data-chart=\"{}\" "
      "id=\"fig-{}\"><h3>{}</h3>\n{}<figcaption>{}</figcaption></figure>\n",
      h(f.id), h(f.id), h(f.title), f.svg, h(f.caption));
}

}  // namespace

std::string render_page(const Document& d) {
  std::string o;
  o.reserve(1 << 20);
  o += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<link rel=\"icon\" href=\"data:,\">";
  o += fmt::format("<title>{}</title><style>{}</style></head>\n<body><main>\n", h(d.title),
                   kPageCss);
  o += fmt::format(
      "<header class=\"top\"><p class=\"kicker\">spikestack report</p><h1>{}</h1>"
      "<p class=\"meta\">{} on {} · {} · generated {}</p>",
      h(d.title), h(d.inputs.model), h(d.inputs.dataset), h(d.inputs.technology), h(d.generated));
  o += "<nav class=\"toc\"><a href=\"#inputs\">Inputs</a><a href=\"#headline\">Headline</a>";
  if (d.pruning_study) o += "<a href=\"#pruning\">Head pruning</a>";
  for (const auto& s : kSections) o += fmt::format("<a href=\"#{}\">{}</a>", s.id, s.title);
  o += "<a href=\"#files\">Files</a></nav>";
  if (!d.note.empty())
    o += fmt::format("<p class=\"note\"><strong>Note:</strong> {}</p>", h(d.note));
  o += "</header>\n";
  inputs(o, d);
  headline(o, d);
  pruning_study(o, d);

  auto figs = figures(d);
  for (const auto& s : kSections) {
    o += fmt::format("<section id=\"{}\"><h2>{}</h2><p class=\"lead\">{}</p>\n", s.id, s.title,
                     s.lead);
    bool in_grid = false;
    for (const auto& f : figs) {
      if (f.section != s.id) continue;
      // In "comparison" the overview spans the width; the per-metric charts form a grid.
      bool small = s.grid || f.id.rfind("metric-", 0) == 0;
      if (small && !in_grid) o += "<div class=\"grid\">", in_grid = true;
      if (!small && in_grid) o += "</div>", in_grid = false;
      figure(o, f);
    }
    if (in_grid) o += "</div>";
    o += "</section>\n";
  }

  o += "<footer id=\"files\"><p>Files next to this page: <a href=\"report.json\">report.json</a> "
       "(the document, "
       "schema <code>" +
       std::string(kSchema) + "</code>)";
  for (const auto& t : csv_tables(d)) o += fmt::format(", <a href=\"{0}\">{0}</a>", t.file);
  o += ". Re-render with <code>spikestack report report.json --out "
       "DIR</code>.</p></footer>\n</main></body></html>\n";
  return o;
}

}  // namespace ss::report
