#include "explore/evaluator.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "arch/arch_spec.h"
#include "common/error.h"
#include "common/files.h"
#include "common/toml_get.h"
#include "common/toml_override.h"
#include "phys/evaluate.h"
#include "sim/analytical.h"
#include "sim/head_pruning.h"
#include "sim/simulate.h"
#include "tech/technology_table.h"

namespace ss::explore {

namespace {
constexpr size_t kMaxCached = 4096;  // technologies / activities kept (a few KB each)
bool is_tech(const std::string& key) { return key.rfind("tech.", 0) == 0; }
constexpr const char* kRateKey = "model.rate";  // the firing rate of shape-only models
}  // namespace

Evaluator::Evaluator(const StudySpec& s, std::vector<LoadedModel> models)
    : study_(s), models_(std::move(models)) {
  styles_ = s.styles.empty() ? phys::default_style_names() : s.styles;
  for (const auto& st : styles_) (void)phys::style(st);
  arch_text_ = read_file_text(s.arch);
  tech_text_ = read_file_text(s.tech);
  for (size_t i = 0; i < study_.axes.size(); ++i) {
    if (is_tech(study_.axes[i].key)) tech_axes_.push_back(i);
    if (study_.axes[i].key == kRateKey) rate_axis_ = i;
  }
}

std::vector<std::string> Evaluator::sets(const Design& d) const {
  std::vector<std::string> out = study_.sets;
  for (size_t i = 0; i < study_.axes.size(); ++i)
    if (i != rate_axis_) out.push_back(study_.axes[i].set(d.idx.at(i)));
  return out;
}

std::string Evaluator::key(const Design& d) const {
  std::string k = "model=" + models_.at(d.model).path;
  for (size_t i = 0; i < study_.axes.size(); ++i)
    k += ";" + study_.axes[i].key + "=" + study_.axes[i].values.at(d.idx.at(i)).label;
  return k;
}

// The technology file with `sets` applied, as `spikestack sim` builds it (load_tech in
// cli/study.cpp: no override, the file; else the overrides on the parsed file, printed and
// parsed again) but without the printing: toml++ prints every value so that it parses back
// equal (tests/explore/tech_roundtrip_test.cpp), and the loader reads the table only.
// on_base: `sets` are the axes' only, applied to tech_base_ (which has the fixed ones).
std::shared_ptr<const tech::Technology> Evaluator::parse_tech(const std::vector<std::string>& sets,
                                                              bool on_base) const {
  if (sets.empty() && !(on_base && has_fixed_tech_))
    return std::make_shared<tech::Technology>(tech::parse_technology(tech_text_, study_.tech));
  toml::table root = on_base ? tech_base_ : parse_toml_text(tech_text_, study_.tech);
  for (const auto& s : sets) apply_toml_override(root, study_.tech, s);
  return std::make_shared<tech::Technology>(tech::technology_from_table(root, study_.tech));
}

// Cached by the values of the technology axes.
std::shared_ptr<const tech::Technology> Evaluator::technology_at(const Design& d) const {
  std::string k;
  for (size_t a : tech_axes_) k.append(reinterpret_cast<const char*>(&d.idx.at(a)), sizeof(uint32_t));
  {
    std::lock_guard lock(mu_);
    if (auto it = techs_.find(k); it != techs_.end()) return it->second;
  }
  std::vector<std::string> arch_sets, tech_sets;
  if (!validated_) split_overrides(study_.sets, arch_sets, tech_sets);
  for (size_t a : tech_axes_) tech_sets.push_back(study_.axes[a].set(d.idx[a]).substr(5));
  auto t = parse_tech(tech_sets, validated_);
  std::lock_guard lock(mu_);
  if (techs_.size() >= kMaxCached) techs_.clear();
  return techs_.emplace(k, t).first->second;
}

std::shared_ptr<const std::pair<Trace, double>> Evaluator::engine_run(uint32_t model,
                                                                      double keep) const {
  std::lock_guard lock(engine_mu_);
  const auto k = std::make_pair(model, keep);
  if (auto it = engine_runs_.find(k); it != engine_runs_.end()) return it->second;
  auto r = std::make_shared<const std::pair<Trace, double>>(models_.at(model).engine(keep));
  return engine_runs_.emplace(k, r).first->second;
}

std::shared_ptr<const sim::Activity> Evaluator::activity(uint32_t model, double rate,
                                                         const Trace* trace,
                                                         const arch::Arch& a) const {
  std::string k(reinterpret_cast<const char*>(&model), sizeof model);
  k.append(reinterpret_cast<const char*>(&rate), sizeof rate);
  ArchPatcher::analytical_key(a, k);
  {
    std::lock_guard lock(mu_);
    if (auto it = acts_.find(k); it != acts_.end()) {
      ++act_hits_;
      return it->second;
    }
  }
  // the model's workload: the layers do not depend on the head-keep ratio (the statistics and
  // costs do, through `a`; ActivityCache.WorkloadDoesNotDependOnTheKeepRatio)
  const sim::Workload& w = models_.at(model).workload;
  const auto stats = trace ? sim::stats_from_trace(w, *trace, a) : sim::stats_from_rate(w, rate, a);
  // the component tree only: the physical model reads nothing else (sim/simulate.h)
  auto act = std::make_shared<const sim::Activity>(
      sim::simulate_analytical(a, w, stats, sim::Detail::components).activity);
  std::lock_guard lock(mu_);
  ++act_misses_;
  if (acts_.size() >= kMaxCached) acts_.clear();
  return acts_.emplace(k, act).first->second;
}

size_t Evaluator::activity_hits() const {
  std::lock_guard lock(mu_);
  return act_hits_;
}
size_t Evaluator::activity_misses() const {
  std::lock_guard lock(mu_);
  return act_misses_;
}

void Evaluator::validate() {
  auto uses_test_error = [&] {
    for (const auto& o : study_.objectives)
      if (std::string(metric_infos()[metric_index(o)].column) == "test_error_pct") return true;
    for (const auto& c : study_.constraints)
      if (std::string(metric_infos()[parse_constraint(c).metric].column) == "test_error_pct")
        return true;
    return false;
  };
  for (const auto& m : models_)
    if (!m.trace && uses_test_error())
      throw Error(fmt::format("test_error is an objective or constraint but {} is a shape-only "
                              "model (no weights, no accuracy)",
                              m.path));
  std::vector<std::string> arch_sets, tech_sets;
  split_overrides(study_.sets, arch_sets, tech_sets);
  arch::Arch base = arch::parse_arch(arch_text_, study_.arch, arch_sets);
  (void)parse_tech(tech_sets, false);
  {  // the parsed technology with the fixed sets: every value below is applied to it
    toml::table root = parse_toml_text(tech_text_, study_.tech);
    for (const auto& s : tech_sets) apply_toml_override(root, study_.tech, s);
    tech_base_ = std::move(root);
    has_fixed_tech_ = !tech_sets.empty();
  }
  std::vector<std::vector<arch::Arch>> values(study_.axes.size());
  std::vector<std::shared_ptr<const tech::Technology>> tech_values;
  for (size_t x = 0; x < study_.axes.size(); ++x) {
    const auto& ax = study_.axes[x];
    for (size_t i = 0; i < ax.values.size(); ++i) {
      std::vector<std::string> a = arch_sets, t;
      split_overrides({ax.set(i)}, a, t);
      try {
        if (x == rate_axis_) {
          const double r = ax.values[i].number;
          if (!(r > 0 && r <= 1) || !ax.numeric) throw Error("expected a firing rate in (0, 1]");
          for (const auto& m : models_)
            if (m.trace)
              throw Error(fmt::format("{} is a trained model: its firing comes from the engine "
                                      "(the rate applies to shape-only models)",
                                      m.path));
        } else if (is_tech(ax.key)) {
          auto tv = parse_tech(t, true);
          if (tech_axes_.size() == 1) tech_values.push_back(tv);
        } else {
          values[x].push_back(arch::parse_arch(arch_text_, study_.arch, a));
        }
      } catch (const Error& e) {
        throw Error(fmt::format("--axis {} = {}: {}", ax.key, ax.values[i].label, e.what()));
      }
    }
  }
  // the fast path: parsed once, patched per point
  patcher_ = ArchPatcher(std::move(base), std::move(values));
  std::lock_guard lock(mu_);
  validated_ = true;
  for (size_t i = 0; i < tech_values.size(); ++i) {  // one technology axis: its values alone
    const uint32_t v = static_cast<uint32_t>(i);
    techs_[std::string(reinterpret_cast<const char*>(&v), sizeof v)] = tech_values[i];
  }
}

DesignResult Evaluator::evaluate(const Design& d) const {
  DesignResult out;
  auto fail_all = [&](const std::string& why) {
    for (const auto& s : styles_) out.styles.push_back({s, {}, why});
    return out;
  };
  arch::Arch a;
  if (!patcher_.usable() || !patcher_.patch(d.idx, a)) {
    std::vector<std::string> arch_sets, tech_sets;
    split_overrides(sets(d), arch_sets, tech_sets);
    try {
      a = arch::parse_arch(arch_text_, study_.arch, arch_sets);
    } catch (const Error& e) {
      return fail_all(e.what());  // a combination the loader rejects (each value alone passed)
    }
  }
  // one head-keep ratio for model and accelerator, as `spikestack sim` (sim/head_pruning.h)
  const LoadedModel& m = models_.at(d.model);
  a.head_keep = sim::effective_head_keep(m.spec, a);
  a.head_pruning = a.head_keep < 1.0;  // ModelSpec::Attention::pruning()
  // a trained model: the engine's firing statistics and accuracy with this keep ratio
  const Trace* trace = m.trace ? &*m.trace : nullptr;
  double accuracy = m.accuracy;
  std::shared_ptr<const std::pair<Trace, double>> run;
  if (m.trace && a.head_keep != m.spec.attention.head_keep) {
    if (!m.engine)
      return fail_all(fmt::format(
          "head keep ratio {:g} on a trained model: no engine to run it with", a.head_keep));
    try {
      run = engine_run(d.model, a.head_keep);
    } catch (const Error& e) {
      return fail_all(e.what());
    }
    trace = &run->first;
    accuracy = run->second;
  }
  std::shared_ptr<const tech::Technology> tech;
  std::shared_ptr<const sim::Activity> act;
  try {
    tech = technology_at(d);
    act = activity(d.model,
                   rate_axis_ < d.idx.size() ? study_.axes[rate_axis_].values.at(d.idx[rate_axis_]).number
                                             : m.rate,
                   trace, a);
  } catch (const Error& e) {
    return fail_all(e.what());
  }
  phys::EvalOptions opt;
  if (study_.thermal == Thermal::coarse) opt.grid_nx = opt.grid_ny = 4;
  opt.thermal = study_.thermal != Thermal::off;
  for (const auto& s : styles_) {
    try {
      const auto r = phys::evaluate(a, *act, *tech, phys::style(s), opt);
      out.styles.push_back({s, metrics_of(r, study_.thermal != Thermal::off), ""});
      if (trace) out.styles.back().metrics.back() = 100.0 * (1.0 - accuracy);  // test_error_pct
    } catch (const Error& e) {
      out.styles.push_back({s, {}, e.what()});
    }
  }
  return out;
}

}  // namespace ss::explore
