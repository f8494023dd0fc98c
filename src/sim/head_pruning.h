// One head-keep ratio for the model and the accelerator (spikestack sim, run, explore):
// mapping.head_pruning applies mapping.head_keep to a multi-head (SSA) model, and the
// architecture's pruning is then the model's (a model file's own attention.head_keep counts).
#pragma once
#include "arch/arch_spec.h"
#include "engine/model_spec.h"

namespace ss::sim {

// The keep ratio the model runs with under this architecture.
double effective_head_keep(const ModelSpec& spec, const arch::Arch& a);
// Sets it on the model (errors name the arch file and mapping.head_keep) and sets the
// architecture's head_pruning / head_keep to the model's.
void apply_head_pruning(ModelSpec& spec, arch::Arch& a);

}  // namespace ss::sim
