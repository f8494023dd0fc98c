#include "cli/model_overrides.h"

#include "sim/head_pruning.h"

namespace ss::cli {

std::vector<std::string> take_model_sets(std::vector<std::string>& sets) {
  std::vector<std::string> model, rest;
  for (auto& s : sets) (s.rfind("model.", 0) == 0 ? model : rest).push_back(s);
  for (auto& s : model) s = s.substr(6);
  sets = std::move(rest);
  return model;
}

ModelSpec load_model_spec(const std::string& path, const std::vector<std::string>& model_sets,
                          arch::Arch* arch) {
  ModelSpec spec = ModelSpec::load(path, model_sets);
  if (!arch) return spec;
  sim::apply_head_pruning(spec, *arch);
  return spec;
}

}  // namespace ss::cli
