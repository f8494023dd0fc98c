#include "explore/study.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <set>

#include "common/error.h"
#include "common/files.h"

namespace ss::explore {

const char* strategy_name(Strategy s) {
  switch (s) {
    case Strategy::grid:
      return "grid";
    case Strategy::random:
      return "random";
    case Strategy::lhs:
      return "lhs";
    case Strategy::nsga2:
      return "nsga2";
  }
  return "?";
}

const char* thermal_name(Thermal t) {
  switch (t) {
    case Thermal::full:
      return "full";
    case Thermal::coarse:
      return "coarse";
    case Thermal::off:
      return "off";
  }
  return "?";
}

uint64_t StudySpec::space_size() const {
  uint64_t n = std::max<size_t>(models.size(), 1);
  for (const auto& a : axes) {
    const uint64_t k = a.values.size();
    if (k && n > UINT64_MAX / k) return UINT64_MAX;
    n *= k;
  }
  return n;
}

std::string hash_hex(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

std::string file_hash(const std::string& path) { return hash_hex(read_file_text(path)); }

namespace {

template <class T>
T need(const toml::node_view<const toml::node>& n, const std::string& file, const std::string& key,
       const char* what) {
  auto v = n.value<T>();
  if (!v) throw error_at(file, key, "expected {}", what);
  return *v;
}

std::vector<std::string> strings(const toml::node_view<const toml::node>& n,
                                 const std::string& file, const std::string& key) {
  std::vector<std::string> out;
  const auto* arr = n.as_array();
  if (!arr) throw error_at(file, key, "expected an array of strings");
  for (const auto& e : *arr) {
    auto s = e.value<std::string>();
    if (!s) throw error_at(file, key, "expected an array of strings");
    out.push_back(*s);
  }
  return out;
}

Strategy parse_strategy(const std::string& s, const std::string& file) {
  if (s == "grid") return Strategy::grid;
  if (s == "random") return Strategy::random;
  if (s == "lhs") return Strategy::lhs;
  if (s == "nsga2") return Strategy::nsga2;
  throw error_at(file, "study.strategy", "expected grid, random, lhs or nsga2, got '{}'",
                 printable(s));
}

Thermal parse_thermal(const std::string& s, const std::string& file) {
  if (s == "full") return Thermal::full;
  if (s == "coarse") return Thermal::coarse;
  if (s == "off") return Thermal::off;
  throw error_at(file, "study.thermal", "expected full, coarse or off, got '{}'", printable(s));
}

}  // namespace

StudySpec load_study(const std::string& path,
                     const std::function<std::string(const std::string&)>& resolve) {
  StudySpec s;
  s.file = path;
  toml::table parsed;
  try {
    parsed = toml::parse(read_file_text(path), path);
  } catch (const toml::parse_error& e) {
    throw error_at(path, "", "not valid TOML: {}", std::string(e.description()));
  }
  const toml::table& root = parsed;
  static const std::set<std::string> top = {"study", "model", "axes"};
  static const std::set<std::string> study_keys = {
      "name",     "arch",    "tech",       "set",         "styles", "objectives", "constraints",
      "strategy", "samples", "population", "generations", "seed",   "thermal"};
  for (const auto& [k, v] : root)
    if (!top.count(std::string(k.str())))
      throw error_at(path, std::string(k.str()), "unknown table (expected study, model, axes)");
  const auto st = root["study"];
  if (const auto* t = st.as_table())
    for (const auto& [k, v] : *t)
      if (!study_keys.count(std::string(k.str())))
        throw error_at(path, "study." + std::string(k.str()), "unknown key");
  if (st["name"]) s.name = need<std::string>(st["name"], path, "study.name", "a string");
  if (st["arch"]) s.arch = resolve(need<std::string>(st["arch"], path, "study.arch", "a path"));
  if (st["tech"]) s.tech = resolve(need<std::string>(st["tech"], path, "study.tech", "a path"));
  if (st["set"]) s.sets = strings(st["set"], path, "study.set");
  if (st["styles"]) s.styles = strings(st["styles"], path, "study.styles");
  if (st["objectives"]) s.objectives = strings(st["objectives"], path, "study.objectives");
  if (st["constraints"]) s.constraints = strings(st["constraints"], path, "study.constraints");
  if (st["strategy"])
    s.strategy =
        parse_strategy(need<std::string>(st["strategy"], path, "study.strategy", "a string"), path);
  if (st["thermal"])
    s.thermal =
        parse_thermal(need<std::string>(st["thermal"], path, "study.thermal", "a string"), path);
  auto count = [&](const char* key, size_t& out) {
    if (!st[key]) return;
    const int64_t v = need<int64_t>(st[key], path, std::string("study.") + key, "an integer");
    if (v < 1 || v > 1'000'000'000)
      throw error_at(path, std::string("study.") + key, "expected 1 to 1000000000, got {}", v);
    out = static_cast<size_t>(v);
  };
  count("samples", s.samples);
  count("population", s.population);
  count("generations", s.generations);
  if (st["seed"]) {
    const int64_t v = need<int64_t>(st["seed"], path, "study.seed", "an integer");
    if (v < 0) throw error_at(path, "study.seed", "expected a non-negative integer");
    s.seed = static_cast<uint64_t>(v);
  }
  if (const auto* arr = root["model"].as_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string at = fmt::format("model[{}]", i);
      const auto* t = (*arr)[i].as_table();
      if (!t) throw error_at(path, at, "expected a table ([[model]])");
      ModelChoice m;
      for (const auto& [k, v] : *t) {
        const std::string key(k.str());
        if (key == "path") {
          m.path = resolve(need<std::string>(toml::node_view<const toml::node>(v), path,
                                             at + ".path", "a path"));
        } else if (key == "rate") {
          m.rate =
              need<double>(toml::node_view<const toml::node>(v), path, at + ".rate", "a number");
          if (!(m.rate >= 0 && m.rate <= 1)) throw error_at(path, at + ".rate", "expected 0 to 1");
        } else if (key == "samples") {
          const int64_t n = need<int64_t>(toml::node_view<const toml::node>(v), path,
                                          at + ".samples", "an integer");
          if (n < 1 || n > 100000) throw error_at(path, at + ".samples", "expected 1 to 100000");
          m.samples = static_cast<size_t>(n);
        } else {
          throw error_at(path, at + "." + key, "unknown key (expected path, rate, samples)");
        }
      }
      if (m.path.empty()) throw error_at(path, at + ".path", "missing");
      s.models.push_back(m);
    }
  } else if (root["model"]) {
    throw error_at(path, "model", "expected an array of tables ([[model]])");
  }
  if (const auto* t = root["axes"].as_table()) {
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      std::string spec;
      if (auto str = v.value<std::string>()) {
        spec = *str;
      } else if (const auto* arr = v.as_array()) {  // a TOML array: a list
        for (const auto& e : *arr) {
          std::string item;
          if (auto x = e.value<std::string>())
            item = *x;
          else if (auto i = e.value<int64_t>())
            item = std::to_string(*i);
          else if (auto d = e.value<double>())
            item = fmt::format("{}", *d);
          else if (auto b = e.value<bool>())
            item = *b ? "true" : "false";
          else
            throw error_at(path, "axes." + key, "expected strings, numbers or booleans");
          spec += (spec.empty() ? "" : ",") + item;
        }
      } else {
        throw error_at(path, "axes." + key,
                       "expected a string (\"1,2,4\", \"1um..10um:log:6\") or an array");
      }
      try {
        s.axes.push_back(parse_axis(key, spec));
      } catch (const Error& e) {
        throw error_at(path, "axes." + key, "{}", e.what());
      }
    }
  } else if (root["axes"]) {
    throw error_at(path, "axes", "expected a table");
  }
  return s;
}

void check_study(const StudySpec& s) {
  if (s.models.empty())
    throw Error("no model to explore (give --model or [[model]] in the study file)");
  if (s.objectives.empty())
    throw Error("no objective (expected some of: " + objective_names() + ")");
  std::set<std::string> seen;
  for (const auto& o : s.objectives) {
    const auto i = metric_index(o);
    if (!*metric_infos()[i].objective)
      throw Error(
          fmt::format("'{}' cannot be an objective (expected one of: {})", o, objective_names()));
    if (!seen.insert(metric_infos()[i].column).second)
      throw Error(fmt::format("objective '{}' is given twice", o));
  }
  for (const auto& c : s.constraints) (void)parse_constraint(c);
  std::set<std::string> keys;
  for (const auto& a : s.axes) {
    if (!keys.insert(a.key).second)
      throw Error(fmt::format("--axis {}: the key is given twice", a.key));
    for (const auto& f : s.sets)
      if (f.substr(0, f.find('=')) == a.key)
        throw Error(fmt::format("--axis {}: the key is also fixed by --set {}", a.key, f));
  }
  if (s.strategy == Strategy::nsga2) {
    if (s.population < 8 || s.population % 4)
      throw Error(fmt::format(
          "nsga2: the population must be a multiple of 4 and at least 8, got {}", s.population));
    if (s.axes.empty()) throw Error("nsga2 needs at least one axis");
  }
  const bool temp_used = [&] {
    for (const auto& o : s.objectives)
      if (std::string(metric_infos()[metric_index(o)].column) == "peak_temperature_k") return true;
    for (const auto& c : s.constraints)
      if (std::string(metric_infos()[parse_constraint(c).metric].column) == "peak_temperature_k")
        return true;
    return false;
  }();
  if (temp_used && s.thermal == Thermal::off)
    throw Error("peak_temperature is an objective or constraint but thermal = off");
}

nlohmann::json study_identity(const StudySpec& s, const std::vector<std::string>& file_hashes) {
  nlohmann::json j;
  j["name"] = s.name;
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : s.models)
    models.push_back({{"path", m.path}, {"rate", m.rate}, {"samples", m.samples}});
  j["models"] = models;
  j["arch"] = s.arch;
  j["tech"] = s.tech;
  j["set"] = s.sets;
  nlohmann::json axes = nlohmann::json::array();
  for (const auto& a : s.axes) {
    nlohmann::json v = nlohmann::json::array();
    for (const auto& x : a.values) v.push_back(x.text);
    axes.push_back({{"key", a.key}, {"values", v}});
  }
  j["axes"] = axes;
  j["styles"] = s.styles;
  j["objectives"] = s.objectives;
  j["constraints"] = s.constraints;
  j["strategy"] = strategy_name(s.strategy);
  if (s.strategy == Strategy::random || s.strategy == Strategy::lhs) j["samples"] = s.samples;
  if (s.strategy == Strategy::nsga2) {
    j["population"] = s.population;
    j["generations"] = s.generations;
  }
  if (s.strategy != Strategy::grid) j["seed"] = s.seed;
  j["thermal"] = thermal_name(s.thermal);
  j["file_hashes"] = file_hashes;
  return j;
}

}  // namespace ss::explore
