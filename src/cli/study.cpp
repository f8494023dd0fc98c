#include "cli/study.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <thread>

#include "cli/command.h"
#include "cli/inference.h"
#include "common/error.h"
#include "common/toml_get.h"
#include "cli/model_overrides.h"
#include "common/toml_override.h"
#include "engine/model_spec.h"
#include "phys/style.h"
#include "sim/simulate.h"
#include "sim/sources.h"
#include "sim/workload.h"
#include "tech/technology.h"

namespace ss::cli {
namespace {

std::string default_model() {
  for (auto m : {"models/moe-fmnist.toml", "models/spikformer-fmnist.toml", "models/semm-fmnist.toml"})
    if (std::filesystem::exists(home_path(m))) return home_path(m);
  throw Error(home_path("models") + ": no shipped model found (expected moe-fmnist.toml)");
}

std::string iso_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json style_json(const phys::SiliconResult& r, const nlohmann::json& silicon) {
  nlohmann::json m;
  for (const char* k : {"footprint_mm2", "silicon_area_mm2", "clock_mhz", "latency_us", "energy_uj",
                        "power_mw", "memory_latency_ns"})
    m[k] = silicon.at(k);
  m["latency_cycles"] = r.cycles;
  m["peak_temp_c"] = r.peak_temp_k - 273.15;
  nlohmann::json energy = nlohmann::json::array();
  for (auto& [key, uj] : [&] {
         std::map<std::pair<std::string, std::string>, double> acc;
         for (const auto& e : r.energy) acc[{e.component, arch::tier_name(e.tier)}] += e.energy_j * 1e6;
         return acc;
       }())
    energy.push_back({{"component", key.first}, {"tier", key.second}, {"energy_uj", uj}});
  nlohmann::json area = nlohmann::json::array();
  for (const auto& a : r.area)
    area.push_back({{"component", a.component}, {"tier", arch::tier_name(a.tier)}, {"area_mm2", a.area_m2 * 1e6}});
  nlohmann::json thermal = nlohmann::json::array();
  for (const auto& t : r.thermal) {
    std::vector<double> c(t.kelvin.size());
    for (size_t i = 0; i < c.size(); ++i) c[i] = t.kelvin[i] - 273.15;
    thermal.push_back({{"tier", arch::tier_name(t.tier)}, {"nx", t.nx}, {"ny", t.ny},
                       {"width_mm", r.outline_w_m * 1e3}, {"height_mm", r.outline_h_m * 1e3},
                       {"celsius", c}});
  }
  return {{"name", r.style}, {"label", phys::style(r.style).label()}, {"metrics", m},
          {"energy_breakdown", energy}, {"area_breakdown", area}, {"thermal", thermal}};
}

}  // namespace

tech::Technology load_tech(const std::string& path, const std::vector<std::string>& sets) {
  if (sets.empty()) return tech::load_technology(path);
  toml::table t = parse_toml_file(path);
  for (const auto& s : sets) apply_toml_override(t, path, s);
  std::ostringstream os;
  os << t;
  return tech::parse_technology(os.str(), path);
}

sim::SampleSource with_progress(sim::SampleSource src, Progress& p) {
  return [src = std::move(src), &p](sim::SampleSpikes& s) {
    bool more = src(s);
    if (more) p.tick();
    return more;
  };
}

std::vector<std::string> split_list(const std::string& csv) {
  std::vector<std::string> out;
  for (size_t s = 0; !csv.empty();) {
    auto c = csv.find(',', s);
    out.push_back(csv.substr(s, c == std::string::npos ? c : c - s));
    if (c == std::string::npos) break;
    s = c + 1;
  }
  return out;
}

std::vector<std::string> parse_styles(const std::string& csv) {
  std::vector<std::string> names = split_list(csv);
  const std::vector<std::string> known = phys::style_names();
  std::string known_list;
  for (const auto& k : known) known_list += (known_list.empty() ? "" : ", ") + k;
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::find(known.begin(), known.end(), names[i]) == known.end())
      throw CLI::ValidationError(
          "--styles", fmt::format("unknown style '{}' (known: {})", names[i], known_list));
    if (std::find(names.begin(), names.begin() + i, names[i]) != names.begin() + i)
      throw CLI::ValidationError("--styles", fmt::format("style '{}' given twice", names[i]));
  }
  return names;
}

void check_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec);
  if (ec) throw error_at(dir, "", "not a usable path ({})", ec.message());
  // the directory itself, or the nearest ancestor that exists (where it will be created)
  while (!fs::exists(fs::symlink_status(p, ec)) && p.has_parent_path() && p != p.parent_path())
    p = p.parent_path();
  if (!fs::is_directory(p, ec))
    throw error_at(dir, "", "{} is not a directory, expected a directory for the report",
                   p.string());
  if (::access(p.c_str(), W_OK | X_OK) != 0)
    throw error_at(dir, "", "cannot write in {} ({})", p.string(), std::strerror(errno));
}

std::vector<phys::SiliconResult> evaluate_silicon(const arch::Arch& a, const sim::Activity& act,
                                                  const tech::Technology& t,
                                                  const std::vector<std::string>& styles,
                                                  bool quiet) {
  const size_t n = styles.empty() ? phys::default_style_names().size() : styles.size();
  Progress prog("silicon", n, quiet);
  auto rs = phys::evaluate_styles(a, act, t, styles, {}, [&](const std::string&) { prog.tick(); });
  prog.done();
  return rs;
}

Study run_study(const StudyOptions& in) {
  StudyOptions o = in;
  if (o.model.empty()) o.model = default_model();
  if (o.arch.empty()) o.arch = home_path("configs/arch/paper.toml");
  if (o.tech.empty()) o.tech = home_path("technologies/28nm.toml");
  std::vector<std::string> sets = o.sets, arch_sets, tech_sets;
  const std::vector<std::string> model_sets = take_model_sets(sets);
  split_overrides(sets, arch_sets, tech_sets);
  // cheap checks first: every input file is read and validated before the engine runs
  Study s;
  s.arch = arch::load_arch(o.arch, arch_sets);
  const tech::Technology tech = load_tech(o.tech, tech_sets);
  ModelSpec spec = load_model_spec(o.model, model_sets, &s.arch);  // head pruning: one keep ratio
  if (spec.weights.empty())
    throw error_at(o.model, "model.weights", "a shape-only model cannot be run on data; use `spikestack sim` with --rate");
  Dataset ds = load_model_data(spec, o.data, "test", o.data_root, o.samples);
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());

  // 1. the engine, both numerics: accuracy, and the int mode's firing activity (what the
  //    hardware runs)
  nlohmann::json accuracy;
  Trace trace;
  for (Mode mode : {Mode::Float, Mode::Int}) {
    Network net = load_network(spec, mode);
    InferResult r = run_inference(net, ds, threads, o.quiet);
    accuracy[mode_name(mode)] = double(r.correct) / double(std::max<size_t>(r.samples, 1));
    if (mode == Mode::Int) trace = std::move(r.trace);
  }
  // 2. the accelerator, cycle by cycle on the int-mode spikes of the first sim_samples images
  Network net = load_network(spec, Mode::Int);
  sim::Workload w = sim::build_workload(spec);
  size_t n_sim = o.sim_samples ? std::min(o.sim_samples, ds.count()) : ds.count();
  Progress prog("simulate", n_sim, o.quiet);
  s.activity =
      sim::simulate_cycle(s.arch, w, with_progress(sim::engine_source(net, ds, n_sim, nullptr), prog)).activity;
  prog.done();
  // 3. silicon, every style
  s.silicon = evaluate_silicon(s.arch, s.activity, tech, o.styles, o.quiet);
  nlohmann::json silicon = phys::to_json(s.silicon);

  // 4. the report document (docs/report.md)
  nlohmann::json doc;
  doc["schema"] = "spikestack.report/1";
  doc["title"] = fmt::format("{} on {}: 2D vs 3D", spec.name, o.data);
  doc["generated"] = iso_now();
  doc["inputs"] = {{"model", spec.name},
                   {"architecture", s.arch.name},
                   {"technology", s.silicon.empty() ? "" : s.silicon.front().tech},
                   {"dataset", o.data + " test"},
                   {"samples", ds.count()}};
  if (spec.attention.pruning())
    doc["inputs"]["head_pruning"] =
        fmt::format("{} of {} heads per image (keep {:g})", spec.attention.heads_kept(),
                    spec.attention.heads, spec.attention.head_keep);
  doc["accuracy"] = accuracy;
  std::map<std::string, const LayerTrace*> by_name;
  for (const auto& l : trace.layers()) by_name[l.name] = &l;
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : s.activity.layers) {
    std::vector<double> rates(spec.timesteps, 0.0);
    if (auto it = by_name.find(l.name); it != by_name.end())
      for (int t = 0; t < spec.timesteps; ++t) rates[t] = it->second->rate(t);
    layers.push_back({{"name", l.name}, {"unit", l.unit}, {"cycles", l.cycles}, {"rate_per_step", rates}});
  }
  doc["layers"] = layers;
  nlohmann::json usage = nlohmann::json::object();
  for (const auto& [block, counts] : trace.expert_usage()) {
    double total = 0;
    for (auto c : counts) total += double(c);
    std::vector<double> f;
    for (auto c : counts) f.push_back(total > 0 ? double(c) / total : 0.0);
    usage[block] = f;
  }
  doc["expert_usage"] = usage;
  nlohmann::json gating = nlohmann::json::object();
  for (const auto& [part, u] : trace.expert_gating()) gating[part] = u.shares();
  doc["expert_gating"] = gating;
  doc["styles"] = nlohmann::json::array();
  for (size_t i = 0; i < s.silicon.size(); ++i)
    doc["styles"].push_back(style_json(s.silicon[i], silicon["styles"][i]));
  doc["provenance"] = {{"model_file", o.model},
                       {"architecture_file", o.arch},
                       {"technology_file", o.tech},
                       {"overrides", o.sets},
                       {"simulated_samples", n_sim},
                       {"spikes", "engine int mode (the hardware's golden model)"}};
  doc["activity"] = s.activity.to_json();
  doc["silicon"] = silicon;
  s.report = std::move(doc);
  return s;
}

}  // namespace ss::cli
