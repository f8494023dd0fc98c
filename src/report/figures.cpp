#include "report/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "report/charts.h"
#include "report/ticks.h"

namespace ss::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string colour_of(const std::vector<std::string>& comps, const std::string& c) {
  auto it = std::find(comps.begin(), comps.end(), c);
  return palette(size_t(it - comps.begin()));
}

std::vector<std::string> tiers_of(const std::vector<Part>& parts) {
  std::vector<std::string> t;
  for (const char* tier : {"bottom", "top"})
    for (const auto& p : parts)
      if (p.tier == tier) {
        t.push_back(tier);
        break;
      }
  return t;
}

// Stacked bars: one bar per (style, tier), one segment per component, total on top.
Figure breakdown(const Document& d, bool energy) {
  auto comps = components(d);
  BarChart c;
  c.title =
      energy ? "Energy per inference by component and tier" : "Silicon area by component and tier";
  c.frame = {1000, 330, 64, 16, 16, 40};
  c.stacked = true;
  c.unit = energy ? "µJ" : "mm²";
  c.y_label = energy ? "energy per inference (µJ)" : "area (mm²)";
  for (const auto& comp : comps) c.series.push_back({comp, colour_of(comps, comp), {}});
  for (const auto& s : d.styles) {
    const auto& parts = energy ? s.energy : s.area;
    for (const auto& tier : tiers_of(parts)) {
      c.categories.push_back(tier + " tier");
      c.groups.push_back(s.label);
      double total = 0;
      for (auto& ser : c.series) {
        double v = 0;
        bool any = false;
        for (const auto& p : parts)
          if (p.tier == tier && p.component == ser.name) v += p.value, any = true;
        ser.values.push_back(any ? v : kNaN);
        total += v;
      }
      c.annotations.push_back(format_value(total) + " " + c.unit);
    }
  }
  // drop components that never appear (e.g. only in the other breakdown)
  std::erase_if(c.series, [](const Series& s) {
    return std::all_of(s.values.begin(), s.values.end(), [](double v) { return std::isnan(v); });
  });
  Figure f;
  f.id = energy ? "energy-breakdown" : "area-breakdown";
  f.section = energy ? "energy" : "area";
  f.title = c.title;
  f.caption =
      energy
          ? "Each bar is one tier of one integration style; segments are components, the label on "
            "top "
            "is the tier's total. Hover a segment for its value."
          : "Each bar is one tier's silicon; the footprint of a stacked design is its larger tier, "
            "the silicon area the sum of both.";
  f.svg = bar_chart(c);
  return f;
}

Figure metric_figure(const Document& d, size_t m) {
  const auto& base = d.styles[0].metrics[m];
  MetricInfo info = metric_info(base.key);
  HBarChart c;
  c.title = info.label + (info.unit.empty() ? "" : " (" + info.unit + ")");
  c.width = 340;
  c.row_height = 26;
  for (size_t i = 0; i < d.styles.size(); ++i) {
    double v = d.styles[i].find_metric(base.key)->value;
    c.labels.push_back(d.styles[i].label);
    c.values.push_back(v);
    c.colours.push_back(style_colour(i));
    std::string value = format_value(v) + (info.unit.empty() ? "" : " " + info.unit);
    std::string change = i == 0 ? "baseline" : change_label(base.key, v, base.value);
    c.tooltips.push_back(fmt::format("{}: {} ({})", d.styles[i].label, value, change));
    c.annotations.push_back(i == 0 ? format_value(v) : change);
  }
  c.x_label = info.unit;
  Figure f;
  f.id = "metric-" + slug(base.key);
  f.section = "comparison";
  f.title = c.title;
  f.caption = std::string(info.lower_is_better ? "Lower is better." : "Higher is better.") +
              " Labels: the baseline's value, then each style's change against it.";
  f.svg = hbar_chart(c);
  return f;
}

Figure change_overview(const Document& d) {
  BarChart c;
  c.title = "Change of every metric against the 2D baseline";
  c.frame = {1000, 300, 64, 16, 16, 40};
  c.unit = "%";
  c.y_label = "change vs " + d.styles[0].label + " (%)";
  std::vector<const Metric*> shown;  // ratios only: temperatures are compared in °C
  for (const auto& m : d.styles[0].metrics)
    if (!metric_info(m.key).absolute_change)
      shown.push_back(&m), c.categories.push_back(metric_info(m.key).short_label);
  for (size_t i = 1; i < d.styles.size(); ++i) {
    Series s{d.styles[i].label, style_colour(i), {}};
    for (const Metric* m : shown) {
      auto ch = change_pct(d.styles[i].find_metric(m->key)->value, m->value);
      s.values.push_back(ch ? *ch : kNaN);
    }
    c.series.push_back(std::move(s));
  }
  Figure f{
      "change-overview", "comparison", c.title,
      "Bars below zero mean the 3D style reduces the metric; for the clock, above zero is better. "
      "Temperatures are compared in °C in their own chart below.",
      ""};
  f.svg = d.styles.size() > 1
              ? bar_chart(c)
              : empty_chart(c.title, "Only the baseline style: nothing to compare.");
  return f;
}

Figure layer_latency(const Document& d) {
  HBarChart c;
  c.title = "Cycles per inference by layer";
  c.width = 1000;
  std::vector<std::string> units;
  double total = 0;
  for (const auto& l : d.layers) total += l.cycles;
  for (const auto& l : d.layers) {
    auto it = std::find(units.begin(), units.end(), l.unit);
    if (it == units.end()) units.push_back(l.unit), it = units.end() - 1;
    c.labels.push_back(l.name);
    c.values.push_back(l.cycles);
    c.colours.push_back(palette(size_t(it - units.begin())));
    c.tooltips.push_back(
        fmt::format("{} on {}: {} cycles ({:.1f} % of {})", l.name, l.unit, format_value(l.cycles),
                    total > 0 ? 100 * l.cycles / total : 0.0, format_value(total)));
  }
  for (size_t i = 0; i < units.size(); ++i) c.legend.emplace_back(units[i], palette(i));
  c.x_label = "cycles per inference";
  return {"layer-latency", "workload", c.title,
          "One bar per layer, coloured by the hardware unit that runs it; the longest bars are "
          "where latency "
          "comes from. Divide by the clock of a style for microseconds.",
          hbar_chart(c)};
}

Figure firing_heatmap(const Document& d) {
  Heatmap h;
  h.title = "Firing rate per layer and time step";
  h.rows = int(d.layers.size());
  h.cols = d.time_steps();
  h.cell_w = std::max(36.0, 240.0 / h.cols);
  h.cell_h = 16;
  h.vmax = 0;
  for (const auto& l : d.layers)
    for (double r : l.rate_per_step) h.values.push_back(r), h.vmax = std::max(h.vmax, r);
  if (h.vmax == 0) h.vmax = 1;
  for (const auto& l : d.layers) h.row_labels.push_back(l.name);
  for (int t = 0; t < h.cols; ++t) h.col_labels.push_back(fmt::format("t{}", t));
  h.x_label = "time step";
  h.legend_label = "rate (%)";
  h.legend_scale = 100;
  h.tooltip = [&d](int r, int c, double v) {
    return fmt::format("{} · t{}: {:.2f} % of neurons fire", d.layers[size_t(r)].name, c, 100 * v);
  };
  return {"firing-rate", "workload", h.title,
          "Brighter cells fire more. Spikes are the work of a spiking accelerator: every spike "
          "costs synaptic "
          "operations downstream.",
          heatmap(h)};
}

Figure firing_lines(const Document& d) {
  LineChart c;
  c.title = "Firing rate across the network, one line per time step";
  c.frame = {1000, 280, 56, 16, 16, 40};
  for (const auto& l : d.layers) c.x_labels.push_back(l.name);
  int T = d.time_steps();
  for (int t = 0; t < T; ++t) {
    Series s{
        fmt::format("t{}", t), scale_colour(Scale::Viridis, T > 1 ? 0.85 * t / (T - 1) : 0.4), {}};
    for (const auto& l : d.layers) s.values.push_back(100 * l.rate_per_step[size_t(t)]);
    c.series.push_back(std::move(s));
  }
  c.y_label = "firing rate (%)";
  c.unit = "%";
  return {"firing-rate-lines", "workload", c.title,
          "The same numbers as the heatmap, read along the network: where lines split, the layer's "
          "activity "
          "depends on the time step.",
          line_chart(c)};
}

// Routed MoE blocks (share of routing decisions per expert) and SEMM EMSA parts (share of
// time-step x token slots where each expert's gate is open) on one chart.
Figure expert_usage(const Document& d) {
  Figure f{"expert-usage", "workload", "Expert usage per expert block", "", ""};
  if (d.expert_usage.empty() && d.expert_gating.empty()) {
    f.caption = "The model has no expert blocks.";
    f.svg = empty_chart(f.title, "No mixture-of-experts blocks in this model.");
    return f;
  }
  BarChart c;
  c.title = f.title;
  c.frame = {1000, 280, 64, 16, 16, 40};
  c.unit = "%";
  c.y_label = d.expert_usage.empty()    ? "slots with gate open (%)"
              : d.expert_gating.empty() ? "share of routed tokens (%)"
                                        : "share (%)";
  size_t experts = 0;
  for (const auto* per : {&d.expert_usage, &d.expert_gating})
    for (const auto& [b, u] : *per) experts = std::max(experts, u.size());
  for (size_t e = 0; e < experts; ++e)
    c.series.push_back({fmt::format("expert {}", e), palette(e), {}});
  for (const auto* per : {&d.expert_usage, &d.expert_gating})
    for (const auto& [b, u] : *per) {
      c.categories.push_back(per == &d.expert_gating ? b + " (gate)" : b);
      for (size_t e = 0; e < experts; ++e)
        c.series[e].values.push_back(e < u.size() ? 100 * u[e] : kNaN);
    }
  std::string caption;
  if (!d.expert_usage.empty()) {
    size_t routed = 0;
    for (const auto& [b, u] : d.expert_usage) routed = std::max(routed, u.size());
    c.reference = std::make_pair(100.0 / double(routed), "balanced");
    caption = fmt::format(
        "Routed blocks: share of routing decisions that chose each expert. Perfect balance "
        "(dashed) is {:.1f} % each; a tall bar is an expert (and its weights' memory) that sets "
        "the pace.",
        100.0 / double(routed));
  }
  if (!d.expert_gating.empty())
    caption += std::string(caption.empty() ? "" : " ") +
               "Gated (SEMM) attention: share of time-step x token slots in which each expert's "
               "router spike lets its output through; experts open independently, so the bars "
               "need not sum to 100 %.";
  f.caption = caption;
  f.svg = bar_chart(c);
  return f;
}

std::vector<Figure> thermal_figures(const Document& d) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : d.styles)
    for (const auto& m : s.thermal)
      for (double v : m.celsius) lo = std::min(lo, v), hi = std::max(hi, v);
  std::vector<Figure> out;
  for (const auto& s : d.styles)
    for (const auto& m : s.thermal) {
      Heatmap h;
      double peak = *std::max_element(m.celsius.begin(), m.celsius.end());
      h.title = fmt::format("{} · {} tier", s.label, m.tier);
      h.rows = m.ny;
      h.cols = m.nx;
      h.values = m.celsius;
      h.extent_mm = std::make_pair(m.width_mm, m.height_mm);
      h.plot_width = 250;
      h.vmin = lo;
      h.vmax = hi;
      h.scale = Scale::Inferno;
      h.legend_label = "°C";
      h.x_label = "x (mm)";
      h.y_label = "y (mm)";
      h.tooltip = [m](int r, int c, double v) {
        return fmt::format("x {:.2f} mm, y {:.2f} mm: {:.1f} °C", (c + 0.5) * m.width_mm / m.nx,
                           (r + 0.5) * m.height_mm / m.ny, v);
      };
      out.push_back(
          {"thermal-" + slug(s.name) + "-" + slug(m.tier), "thermal",
           fmt::format("{} · {} tier, peak {:.1f} °C", s.label, m.tier, peak),
           fmt::format("{:g} × {:g} mm, {} × {} cells.", m.width_mm, m.height_mm, m.nx, m.ny),
           heatmap(h)});
    }
  return out;
}

}  // namespace

std::string change_label(const std::string& key, double value, double baseline) {
  MetricInfo info = metric_info(key);
  if (!info.absolute_change) return format_change(change_pct(value, baseline));
  double d = std::round((value - baseline) * 10) / 10;
  if (d == 0) return "±0.0 " + info.unit;
  return fmt::format("{}{:.1f} {}", d > 0 ? "+" : "\u2212", std::fabs(d), info.unit);
}

const char* change_class(const std::string& key, double value, double baseline) {
  MetricInfo info = metric_info(key);
  double scale = info.absolute_change ? 1.0 : std::fabs(baseline) / 100;  // 0.05 % or 0.05 units
  if (std::fabs(value - baseline) < 0.05 * scale || (baseline == 0 && !info.absolute_change))
    return "same";
  return (value < baseline) == info.lower_is_better ? "good" : "bad";
}

std::string style_colour(size_t i) {
  static const char* c[] = {"#7b8794", "#e8743b", "#1f9e89", "#7e57c2", "#d64550", "#3b7dd8"};
  return c[i % (sizeof(c) / sizeof(c[0]))];
}

std::vector<std::string> components(const Document& d) {
  std::vector<std::string> r;
  auto add = [&](const std::vector<Part>& parts) {
    for (const auto& p : parts)
      if (std::find(r.begin(), r.end(), p.component) == r.end()) r.push_back(p.component);
  };
  for (const auto& s : d.styles) add(s.energy);
  for (const auto& s : d.styles) add(s.area);
  return r;
}

std::string slug(const std::string& s) {
  std::string r;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      r += char(std::tolower(u));
    else if (!r.empty() && r.back() != '-')
      r += '-';
  }
  while (!r.empty() && r.back() == '-') r.pop_back();
  return r.empty() ? "x" : r;
}

std::vector<Figure> figures(const Document& d) {
  std::vector<Figure> f;
  f.push_back(change_overview(d));
  for (size_t m = 0; m < d.styles[0].metrics.size(); ++m) f.push_back(metric_figure(d, m));
  f.push_back(breakdown(d, true));
  f.push_back(breakdown(d, false));
  for (auto& t : thermal_figures(d)) f.push_back(std::move(t));
  f.push_back(layer_latency(d));
  f.push_back(firing_heatmap(d));
  f.push_back(firing_lines(d));
  f.push_back(expert_usage(d));
  return f;
}

std::vector<std::string> figure_ids(const Document& d) {
  std::vector<std::string> ids = {"change-overview"};
  for (const auto& m : d.styles[0].metrics) ids.push_back("metric-" + slug(m.key));
  ids.insert(ids.end(), {"energy-breakdown", "area-breakdown"});
  for (const auto& s : d.styles)
    for (const auto& m : s.thermal) ids.push_back("thermal-" + slug(s.name) + "-" + slug(m.tier));
  ids.insert(ids.end(), {"layer-latency", "firing-rate", "firing-rate-lines", "expert-usage"});
  return ids;
}

}  // namespace ss::report
