// `--set model.<table>.<key>=<value>`: one run's overrides of model-file keys (the head-pruning
// keep ratio, docs/formats.md §3), and the one keep ratio the engine and the simulator share.
#pragma once
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"

namespace ss::cli {

// Removes the "model." overrides from `sets` and returns them without the prefix.
std::vector<std::string> take_model_sets(std::vector<std::string>& sets);

// The model file with its overrides. With an architecture: its mapping.head_pruning = true
// sets the keep ratio of a multi-head (SSA) model to mapping.head_keep (models without heads
// to prune ignore it); then the architecture's mapping follows the model, so the engine
// prunes and the simulator costs the same heads.
ModelSpec load_model_spec(const std::string& path, const std::vector<std::string>& model_sets,
                          arch::Arch* arch = nullptr);

}  // namespace ss::cli
