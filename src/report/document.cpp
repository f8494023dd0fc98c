// Validation of the report document: every field is checked for presence and type, and every
// error names the JSON path so the producer knows what to fix.
#include "report/document.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"

namespace ss::report {

using nlohmann::json;

namespace {

constexpr double kMaxMagnitude = 1e15;  // of any number in the document

const char* type_name(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

// A cursor into the document that knows its own path.
class Node {
 public:
  Node(const json& j, std::string path, const std::string& source)
      : j_(j), path_(std::move(path)), src_(source) {}

  const json& raw() const { return j_; }
  const std::string& path() const { return path_; }

  [[nodiscard]] Error fail(const std::string& what) const {
    return error_at(src_, path_.empty() ? "(document)" : path_, "{}", what);
  }
  void expect(bool ok, const char* expected) const {
    if (!ok) throw fail(fmt::format("expected {}, got {}", expected, type_name(j_)));
  }

  bool has(const std::string& key) const { return j_.contains(key); }
  Node at(const std::string& key) const {
    expect(j_.is_object(), "an object");
    auto it = j_.find(key);
    std::string p = path_.empty() ? key : path_ + "." + key;
    if (it == j_.end()) throw error_at(src_, p, "missing field");
    return Node(*it, p, src_);
  }
  Node at(size_t i) const { return Node(j_[i], fmt::format("{}[{}]", path_, i), src_); }
  size_t array_size(bool non_empty = false) const {
    expect(j_.is_array(), "an array");
    if (non_empty && j_.empty()) throw fail("expected a non-empty array");
    return j_.size();
  }

  std::string str(bool non_empty = true) const {
    expect(j_.is_string(), "a string");
    auto s = j_.get<std::string>();
    if (non_empty && s.empty()) throw fail("expected a non-empty string");
    return s;
  }
  // Finite and at most kMaxMagnitude: the charts take differences and logarithms of values
  // (1e308 overflowed to a negative tick precision)
  double num() const {
    expect(j_.is_number(), "a number");
    double v = j_.get<double>();
    if (!std::isfinite(v)) throw fail("expected a finite number");
    if (std::fabs(v) > kMaxMagnitude)
      throw fail(fmt::format("expected a magnitude of at most {:g}, got {:g}", kMaxMagnitude, v));
    return v;
  }
  double non_negative() const {
    double v = num();
    if (v < 0) throw fail(fmt::format("expected a number >= 0, got {}", v));
    return v;
  }
  int64_t integer(int64_t min) const {
    expect(j_.is_number_integer(), "an integer");
    if (j_.is_number_unsigned() && j_.get<uint64_t>() > uint64_t(INT64_MAX))
      throw fail(fmt::format("expected an integer >= {}, got {}", min, j_.get<uint64_t>()));
    int64_t v = j_.get<int64_t>();
    if (v < min) throw fail(fmt::format("expected an integer >= {}, got {}", min, v));
    return v;
  }
  int64_t integer(int64_t min, int64_t max) const {
    expect(j_.is_number_integer(), "an integer");
    const bool huge = j_.is_number_unsigned() && j_.get<uint64_t>() > uint64_t(INT64_MAX);
    if (huge || j_.get<int64_t>() < min || j_.get<int64_t>() > max)
      throw fail(fmt::format("expected an integer in [{}, {}], got {}", min, max, j_.dump()));
    return j_.get<int64_t>();
  }
  std::optional<double> fraction_or_null() const {
    if (j_.is_null()) return std::nullopt;
    double v = num();
    if (v < 0 || v > 1) throw fail(fmt::format("expected a fraction in [0, 1] or null, got {}", v));
    return v;
  }
  std::vector<double> nums(double lo, double hi) const {
    size_t n = array_size();
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) {
      v[i] = at(i).num();
      if (v[i] < lo || v[i] > hi)
        throw at(i).fail(fmt::format("expected a number in [{}, {}], got {}", lo, hi, v[i]));
    }
    return v;
  }

 private:
  const json& j_;
  std::string path_;
  const std::string& src_;
};

constexpr int64_t kMaxThermalCells = 4096;  // per side of a thermal grid

std::vector<Part> parse_parts(const Node& arr, const char* value_key) {
  std::vector<Part> parts;
  size_t n = arr.array_size(true);
  for (size_t i = 0; i < n; ++i) {
    Node p = arr.at(i);
    Part part{p.at("component").str(), p.at("tier").str(), p.at(value_key).non_negative()};
    if (part.tier != "bottom" && part.tier != "top")
      throw p.at("tier").fail(fmt::format("expected \"bottom\" or \"top\", got \"{}\"", part.tier));
    parts.push_back(std::move(part));
  }
  return parts;
}

ThermalMap parse_thermal(const Node& t) {
  ThermalMap m;
  m.tier = t.at("tier").str();
  // the thermal model's grids are 16 x 16 by default; 4096 per side bounds the figures
  m.nx = int(t.at("nx").integer(1, kMaxThermalCells));
  m.ny = int(t.at("ny").integer(1, kMaxThermalCells));
  m.width_mm = t.at("width_mm").num();
  m.height_mm = t.at("height_mm").num();
  if (m.width_mm <= 0) throw t.at("width_mm").fail("expected a positive width");
  if (m.height_mm <= 0) throw t.at("height_mm").fail("expected a positive height");
  m.celsius = t.at("celsius").nums(-273.15, 1e4);
  if (m.celsius.size() != size_t(m.nx) * size_t(m.ny))
    throw t.at("celsius").fail(fmt::format("expected nx*ny = {}*{} = {} values, got {}", m.nx, m.ny,
                                           int64_t(m.nx) * m.ny, m.celsius.size()));
  return m;
}

Style parse_style(const Node& s) {
  Style st;
  st.name = s.at("name").str();
  st.label = s.at("label").str();
  Node m = s.at("metrics");
  m.expect(m.raw().is_object(), "an object");
  for (const auto& info : metric_catalogue())
    st.metrics.push_back({info.key, m.at(info.key).num()});
  std::vector<std::string> extra;
  for (const auto& [k, v] : m.raw().items())
    if (!st.find_metric(k)) extra.push_back(k);
  std::sort(extra.begin(), extra.end(), natural_less);
  for (const auto& k : extra) st.metrics.push_back({k, m.at(k).num()});
  st.energy = parse_parts(s.at("energy_breakdown"), "energy_uj");
  st.area = parse_parts(s.at("area_breakdown"), "area_mm2");
  Node th = s.at("thermal");
  size_t n = th.array_size(true);
  std::set<std::string> tiers;
  for (size_t i = 0; i < n; ++i) {
    st.thermal.push_back(parse_thermal(th.at(i)));
    if (!tiers.insert(st.thermal.back().tier).second)
      throw th.at(i).at("tier").fail(
          fmt::format("tier \"{}\" appears twice", st.thermal.back().tier));
  }
  return st;
}

}  // namespace

const Metric* Style::find_metric(const std::string& key) const {
  for (const auto& m : metrics)
    if (m.key == key) return &m;
  return nullptr;
}

const std::vector<MetricInfo>& metric_catalogue() {
  static const std::vector<MetricInfo> c = {
      {"latency_us", "Latency per inference", "latency (µs)", "µs", true, false},
      {"latency_cycles", "Latency per inference", "latency (cycles)", "cycles", true, false},
      {"clock_mhz", "Clock", "clock", "MHz", false, false},
      {"energy_uj", "Energy per inference", "energy", "µJ", true, false},
      {"power_mw", "Power", "power", "mW", true, false},
      {"footprint_mm2", "Footprint", "footprint", "mm²", true, false},
      {"silicon_area_mm2", "Silicon area", "silicon area", "mm²", true, false},
      {"memory_latency_ns", "Memory-access latency", "memory latency", "ns", true, false},
      // a ratio of Celsius temperatures means nothing: compare in kelvin of difference
      {"peak_temp_c", "Peak temperature", "peak temperature", "°C", true, true},
  };
  return c;
}

MetricInfo metric_info(const std::string& key) {
  for (const auto& m : metric_catalogue())
    if (m.key == key) return m;
  return {key, key, key, "", true, false};
}

std::optional<double> change_pct(double value, double baseline) {
  if (baseline == 0) return std::nullopt;
  return (value - baseline) / std::fabs(baseline) * 100.0;
}

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
      while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
      std::string da = a.substr(i, i2 - i), db = b.substr(j, j2 - j);
      da.erase(0, std::min(da.find_first_not_of('0'), da.size()));
      db.erase(0, std::min(db.find_first_not_of('0'), db.size()));
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = i2, j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

Document parse_document(const json& doc, const std::string& source) {
  Node root(doc, "", source);
  root.expect(doc.is_object(), "an object");
  std::string schema = root.at("schema").str();
  if (schema != kSchema)
    throw root.at("schema").fail(fmt::format("expected \"{}\", got \"{}\"", kSchema, schema));
  Document d;
  d.title = root.at("title").str();
  d.generated = root.at("generated").str();
  if (root.has("note")) d.note = root.at("note").str(false);
  Node in = root.at("inputs");
  d.inputs = {in.at("model").str(), in.at("architecture").str(), in.at("technology").str(),
              in.at("dataset").str(), in.at("samples").integer(0), ""};
  if (in.has("head_pruning")) d.inputs.head_pruning = in.at("head_pruning").str(false);
  if (root.has("head_pruning_study")) {
    Node hp = root.at("head_pruning_study");
    PruningStudy ps;
    Node cols = hp.at("columns");
    for (size_t i = 0, n = cols.array_size(true); i < n; ++i) ps.columns.push_back(cols.at(i).str());
    Node rows = hp.at("rows");
    for (size_t i = 0, n = rows.array_size(false); i < n; ++i) {
      Node r = rows.at(i);
      std::vector<std::string> cells;
      for (size_t j = 0, m = r.array_size(false); j < m; ++j) cells.push_back(r.at(j).str(false));
      if (cells.size() != ps.columns.size())
        throw r.fail(fmt::format("expected {} cells (one per column), got {}", ps.columns.size(),
                                 cells.size()));
      ps.rows.push_back(std::move(cells));
    }
    if (hp.has("commands")) ps.commands = hp.at("commands").str(false);
    d.pruning_study = std::move(ps);
  }
  Node acc = root.at("accuracy");
  acc.expect(acc.raw().is_object(), "an object");
  if (acc.has("float")) d.accuracy_float = acc.at("float").fraction_or_null();
  if (acc.has("int")) d.accuracy_int = acc.at("int").fraction_or_null();

  Node layers = root.at("layers");
  size_t nl = layers.array_size(true);
  for (size_t i = 0; i < nl; ++i) {
    Node l = layers.at(i);
    Layer layer{l.at("name").str(), l.at("unit").str(), l.at("cycles").non_negative(),
                l.at("rate_per_step").nums(0, 1)};
    if (layer.rate_per_step.empty()) throw l.at("rate_per_step").fail("expected a non-empty array");
    if (i > 0 && layer.rate_per_step.size() != d.layers[0].rate_per_step.size())
      throw l.at("rate_per_step")
          .fail(fmt::format("expected {} time steps like layers[0], got {}",
                            d.layers[0].rate_per_step.size(), layer.rate_per_step.size()));
    d.layers.push_back(std::move(layer));
  }

  auto per_expert = [](const Node& obj, auto& out) {
    obj.expect(obj.raw().is_object(), "an object");
    for (const auto& [name, v] : obj.raw().items()) {
      Node b = obj.at(name);
      auto fr = b.nums(0, 1);
      if (fr.empty()) throw b.fail("expected a non-empty array");
      out.emplace_back(name, std::move(fr));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return natural_less(a.first, b.first); });
  };
  per_expert(root.at("expert_usage"), d.expert_usage);
  if (root.has("expert_gating")) per_expert(root.at("expert_gating"), d.expert_gating);

  Node styles = root.at("styles");
  size_t ns = styles.array_size(true);
  std::set<std::string> names;
  for (size_t i = 0; i < ns; ++i) {
    d.styles.push_back(parse_style(styles.at(i)));
    if (!names.insert(d.styles.back().name).second)
      throw styles.at(i).at("name").fail(
          fmt::format("style \"{}\" appears twice", d.styles.back().name));
    if (i > 0)
      for (const auto& m : d.styles.back().metrics)
        if (!d.styles[0].find_metric(m.key))
          throw styles.at(i).at("metrics").at(m.key).fail(
              fmt::format("metric not in the baseline style \"{}\"", d.styles[0].name));
    if (i > 0)
      for (const auto& m : d.styles[0].metrics)
        if (!d.styles.back().find_metric(m.key))
          throw error_at(source, fmt::format("styles[{}].metrics.{}", i, m.key),
                         "missing field (the baseline style has it)");
  }
  return d;
}

}  // namespace ss::report
