// Evaluates one design point: the architecture and technology with the point's overrides, the
// analytical activity of each model (firing statistics from a trace or an assumed rate), and
// the physical model in every integration style of the study. Thread-safe.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/model_spec.h"
#include "engine/trace.h"
#include "explore/study.h"
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
  // a value the loader rejects is an ss::Error (one line) before any point runs.
  void validate() const;
  const std::vector<std::string>& styles() const { return styles_; }
  const StudySpec& study() const { return study_; }
  const std::vector<LoadedModel>& models() const { return models_; }

 private:
  std::shared_ptr<const tech::Technology> technology(const std::vector<std::string>& sets) const;
  StudySpec study_;
  std::vector<LoadedModel> models_;
  std::vector<std::string> styles_;
  std::string arch_text_, tech_text_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const tech::Technology>> techs_;
};

}  // namespace ss::explore
