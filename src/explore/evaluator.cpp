#include "explore/evaluator.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <sstream>

#include "arch/arch_spec.h"
#include "common/error.h"
#include "common/files.h"
#include "common/toml_override.h"
#include "phys/evaluate.h"
#include "sim/analytical.h"
#include "sim/simulate.h"

namespace ss::explore {

Evaluator::Evaluator(const StudySpec& s, std::vector<LoadedModel> models)
    : study_(s), models_(std::move(models)) {
  styles_ = s.styles.empty() ? phys::default_style_names() : s.styles;
  for (const auto& st : styles_) (void)phys::style(st);
  arch_text_ = read_file_text(s.arch);
  tech_text_ = read_file_text(s.tech);
}

std::vector<std::string> Evaluator::sets(const Design& d) const {
  std::vector<std::string> out = study_.sets;
  for (size_t i = 0; i < study_.axes.size(); ++i) out.push_back(study_.axes[i].set(d.idx.at(i)));
  return out;
}

std::string Evaluator::key(const Design& d) const {
  std::string k = "model=" + models_.at(d.model).path;
  for (size_t i = 0; i < study_.axes.size(); ++i)
    k += ";" + study_.axes[i].key + "=" + study_.axes[i].values.at(d.idx.at(i)).label;
  return k;
}

std::shared_ptr<const tech::Technology> Evaluator::technology(
    const std::vector<std::string>& sets) const {
  std::string k;
  for (const auto& s : sets) k += s + "\n";
  {
    std::lock_guard lock(mu_);
    if (auto it = techs_.find(k); it != techs_.end()) return it->second;
  }
  std::shared_ptr<const tech::Technology> t;
  if (sets.empty()) {
    t = std::make_shared<tech::Technology>(tech::parse_technology(tech_text_, study_.tech));
  } else {
    toml::table root = toml::parse(tech_text_, study_.tech);
    for (const auto& s : sets) apply_toml_override(root, study_.tech, s);
    std::ostringstream os;
    os << root;
    t = std::make_shared<tech::Technology>(tech::parse_technology(os.str(), study_.tech));
  }
  std::lock_guard lock(mu_);
  return techs_.emplace(k, t).first->second;
}

void Evaluator::validate() const {
  std::vector<std::string> arch_sets, tech_sets;
  split_overrides(study_.sets, arch_sets, tech_sets);
  (void)arch::parse_arch(arch_text_, study_.arch, arch_sets);
  (void)technology(tech_sets);
  for (const auto& ax : study_.axes)
    for (size_t i = 0; i < ax.values.size(); ++i) {
      std::vector<std::string> a = arch_sets, t = tech_sets;
      split_overrides({ax.set(i)}, a, t);
      try {
        if (ax.key.rfind("tech.", 0) == 0)
          (void)technology(t);
        else
          (void)arch::parse_arch(arch_text_, study_.arch, a);
      } catch (const Error& e) {
        throw Error(fmt::format("--axis {} = {}: {}", ax.key, ax.values[i].label, e.what()));
      }
    }
}

DesignResult Evaluator::evaluate(const Design& d) const {
  DesignResult out;
  std::vector<std::string> arch_sets, tech_sets;
  split_overrides(sets(d), arch_sets, tech_sets);
  auto fail_all = [&](const std::string& why) {
    for (const auto& s : styles_) out.styles.push_back({s, {}, why});
    return out;
  };
  std::optional<arch::Arch> a;
  try {
    a = arch::parse_arch(arch_text_, study_.arch, arch_sets);
  } catch (const Error& e) {
    return fail_all(e.what());  // a combination the loader rejects (each value alone passed)
  }
  const auto tech = technology(tech_sets);
  const LoadedModel& m = models_.at(d.model);
  sim::Activity act;
  try {
    const auto stats = m.trace ? sim::stats_from_trace(m.workload, *m.trace, *a)
                               : sim::stats_from_rate(m.workload, m.rate, *a);
    act = sim::simulate_analytical(*a, m.workload, stats).activity;
  } catch (const Error& e) {
    return fail_all(e.what());
  }
  phys::EvalOptions opt;
  if (study_.thermal == Thermal::coarse) opt.grid_nx = opt.grid_ny = 4;
  opt.thermal = study_.thermal != Thermal::off;
  for (const auto& s : styles_) {
    try {
      const auto r = phys::evaluate(*a, act, *tech, phys::style(s), opt);
      out.styles.push_back({s, metrics_of(r, study_.thermal != Thermal::off), ""});
    } catch (const Error& e) {
      out.styles.push_back({s, {}, e.what()});
    }
  }
  return out;
}

}  // namespace ss::explore
