// The human-readable view of an Activity: a per-layer table (cycles, utilization, operations
// executed and skipped, buffer traffic) and totals. Kept apart so other columns can be added.
#pragma once
#include <string>

#include "arch/arch_spec.h"
#include "sim/activity.h"

namespace ss::sim {

std::string format_activity(const Activity& a, const arch::Arch& arch);

}  // namespace ss::sim
