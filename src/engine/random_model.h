// Random weights for any model file: every tensor of docs/formats.md with the right shape,
// BatchNorm statistics chosen so LIF layers fire at moderate rates. Used by tests (whole-model
// comparisons), benchmarks and shape-only studies; never a substitute for a trained model.
#pragma once
#include <cstdint>

#include "common/safetensors.h"
#include "engine/model_spec.h"

namespace ss {

SafeTensorsWriter random_weights(const ModelSpec& spec, uint64_t seed);

}  // namespace ss
