#include "sim/head_pruning.h"

namespace ss::sim {

namespace {
bool applies(const ModelSpec& spec, const arch::Arch& a) {
  return a.head_pruning && spec.attention.type == "ssa" && spec.blocks > 0;
}
}  // namespace

double effective_head_keep(const ModelSpec& spec, const arch::Arch& a) {
  return applies(spec, a) ? a.head_keep : spec.attention.head_keep;
}

void apply_head_pruning(ModelSpec& spec, arch::Arch& a) {
  if (applies(spec, a)) spec.set_head_keep(a.head_keep, a.file, "mapping.head_keep");
  a.head_pruning = spec.attention.pruning();
  a.head_keep = spec.attention.head_keep;
}

}  // namespace ss::sim
