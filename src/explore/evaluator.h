// Evaluates one design point: the architecture and technology with the point's overrides, the
// analytical activity of each model (firing statistics from a trace or an assumed rate), and
// the physical model in every integration style of the study. Thread-safe.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <toml++/toml.h>
#include <unordered_map>
#include <vector>

#include "engine/model_spec.h"
#include "engine/trace.h"
#include "explore/arch_patch.h"
#include "explore/study.h"
#include "sim/activity.h"
#include "sim/workload.h"
#include "tech/technology.h"

namespace ss::explore {

// A design: which model, and which value of each axis (indices into Axis::values).
struct Design {
  uint32_t model = 0;
  std::vector<uint32_t> idx;
  bool operator==(const Design&) const = default;
};

// The study's models, loaded once.
struct LoadedModel {
  std::string path, hash;  // file and its content hash (with the weights file for trained)
  ModelSpec spec;
  sim::Workload workload;
  std::optional<Trace> trace;  // trained models: the engine's firing statistics
  double rate = 0;             // shape-only models
  // trained models: int-mode accuracy on the images of `trace` (fraction), and the engine run
  // again with another head-keep ratio on the same images (firing statistics, accuracy); set
  // by the command, which owns the data sets
  double accuracy = 0;
  std::function<std::pair<Trace, double>(double keep)> engine;
  std::string source;          // one line: where the statistics come from
};

struct StyleResult {
  std::string style;
  std::vector<double> metrics;  // metric_infos() order (empty when error is set)
  std::string error;            // this style cannot be built (e.g. too few bond sites)
};

struct DesignResult {
  std::vector<StyleResult> styles;  // the study's styles, in order
};

class Evaluator {
 public:
  Evaluator(const StudySpec& s, std::vector<LoadedModel> models);
  // The canonical text of a design ("model=...;se_cores.count=4;..."): equal points, equal keys.
  std::string key(const Design& d) const;
  // The --set overrides of a design (the study's fixed sets, then one per axis).
  std::vector<std::string> sets(const Design& d) const;
  DesignResult evaluate(const Design& d) const;
  // Every value of every axis alone on the base architecture and technology: an unknown key or
  // a value the loader rejects is an ss::Error (one line) before any point runs. Also prepares
  // the fast path of evaluate() (the parsed values; arch_patch.h).
  void validate();
  const std::vector<std::string>& styles() const { return styles_; }
  const StudySpec& study() const { return study_; }
  const std::vector<LoadedModel>& models() const { return models_; }
  // Whether axis a can change an architecture field (false for technology axes, and for an
  // architecture axis none of whose values changes the base; known after validate()).
  bool moves_arch(size_t a) const { return patcher_.moves(a); }
  // Evaluations that reused a cached analytical activity / computed one (for tests, benchmarks).
  size_t activity_hits() const;
  size_t activity_misses() const;

 private:
  std::shared_ptr<const tech::Technology> technology_at(const Design& d) const;
  std::shared_ptr<const tech::Technology> parse_tech(const std::vector<std::string>& sets,
                                                     bool on_base) const;
  std::shared_ptr<const sim::Activity> activity(uint32_t model, double rate, const Trace* trace,
                                                const arch::Arch& a) const;
  // a trained model's engine run with another keep ratio, once per (model, ratio)
  std::shared_ptr<const std::pair<Trace, double>> engine_run(uint32_t model, double keep) const;
  StudySpec study_;
  std::vector<LoadedModel> models_;
  std::vector<std::string> styles_;
  std::string arch_text_, tech_text_;
  toml::table tech_base_;         // the technology file with the fixed sets applied
  std::vector<size_t> tech_axes_;  // indices of the technology axes
  size_t rate_axis_ = SIZE_MAX;    // the axis "model.rate" (shape-only models' firing rate)
  bool has_fixed_tech_ = false, validated_ = false;
  ArchPatcher patcher_;           // usable after validate()
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const tech::Technology>> techs_;
  mutable std::unordered_map<std::string, std::shared_ptr<const sim::Activity>> acts_;
  mutable size_t act_hits_ = 0, act_misses_ = 0;
  mutable std::mutex engine_mu_;  // held during an engine run (one at a time, none twice)
  mutable std::map<std::pair<uint32_t, double>, std::shared_ptr<const std::pair<Trace, double>>>
      engine_runs_;
};

}  // namespace ss::explore
