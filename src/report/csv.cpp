#include "report/csv.h"

#include <fmt/format.h>

namespace ss::report {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string r = "\"";
  for (char c : s) r += c == '"' ? std::string("\"\"") : std::string(1, c);
  return r + "\"";
}

std::string csv_number(double v) { return fmt::format("{}", v); }

namespace {

class Writer {
 public:
  explicit Writer(std::string header) : text_(std::move(header) + "\n") {}
  Writer& s(std::string_view v) { return put(csv_field(v)); }
  Writer& n(double v) { return put(csv_number(v)); }
  Writer& i(long long v) { return put(std::to_string(v)); }
  Writer& empty() { return put(""); }
  void end() { text_ += "\n", first_ = true; }
  std::string text() const { return text_; }

 private:
  Writer& put(const std::string& v) {
    if (!first_) text_ += ',';
    text_ += v;
    first_ = false;
    return *this;
  }
  std::string text_;
  bool first_ = true;
};

std::string metrics(const Document& d) {
  const std::string& b = d.styles[0].name;
  Writer w("style,metric,unit,value,change_vs_" + b + "_pct,change_vs_" + b + "_abs");
  for (const auto& st : d.styles)
    for (const auto& m : st.metrics) {
      w.s(st.name).s(m.key).s(metric_info(m.key).unit).n(m.value);
      double base = d.styles[0].find_metric(m.key)->value;
      auto ch = change_pct(m.value, base);
      ch ? w.n(*ch) : w.empty();
      w.n(m.value - base);
      w.end();
    }
  return w.text();
}

std::string breakdown(const Document& d, bool energy) {
  Writer w(energy ? "style,component,tier,energy_uj" : "style,component,tier,area_mm2");
  for (const auto& st : d.styles)
    for (const auto& p : energy ? st.energy : st.area) {
      w.s(st.name).s(p.component).s(p.tier).n(p.value);
      w.end();
    }
  return w.text();
}

std::string layers(const Document& d) {
  std::string header = "layer,unit,cycles";
  for (int t = 0; t < d.time_steps(); ++t) header += fmt::format(",rate_t{}", t);
  Writer w(header);
  for (const auto& l : d.layers) {
    w.s(l.name).s(l.unit).n(l.cycles);
    for (double r : l.rate_per_step) w.n(r);
    w.end();
  }
  return w.text();
}

std::string firing(const Document& d) {
  Writer w("layer,step,rate");
  for (const auto& l : d.layers)
    for (size_t t = 0; t < l.rate_per_step.size(); ++t) {
      w.s(l.name).i((long long)t).n(l.rate_per_step[t]);
      w.end();
    }
  return w.text();
}

std::string experts(const Document& d) {
  Writer w("block,expert,fraction,measure");
  auto rows = [&w](const auto& per_block, const char* measure) {
    for (const auto& [b, u] : per_block)
      for (size_t e = 0; e < u.size(); ++e) {
        w.s(b).i((long long)e).n(u[e]).s(measure);
        w.end();
      }
  };
  rows(d.expert_usage, "routed");
  rows(d.expert_gating, "gate_open");
  return w.text();
}

std::string thermal(const Document& d) {
  Writer w("style,tier,ix,iy,x_mm,y_mm,celsius");
  for (const auto& st : d.styles)
    for (const auto& m : st.thermal)
      for (int iy = 0; iy < m.ny; ++iy)
        for (int ix = 0; ix < m.nx; ++ix) {
          w.s(st.name).s(m.tier).i(ix).i(iy);
          w.n((ix + 0.5) * m.width_mm / m.nx).n((iy + 0.5) * m.height_mm / m.ny).n(m.at(ix, iy));
          w.end();
        }
  return w.text();
}

}  // namespace

std::vector<CsvTable> csv_tables(const Document& d) {
  return {{"metrics.csv", metrics(d)},
          {"energy_breakdown.csv", breakdown(d, true)},
          {"area_breakdown.csv", breakdown(d, false)},
          {"layers.csv", layers(d)},
          {"firing.csv", firing(d)},
          {"experts.csv", experts(d)},
          {"thermal.csv", thermal(d)}};
}

}  // namespace ss::report
