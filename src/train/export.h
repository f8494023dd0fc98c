// Trained modules <-> the engine's files: model TOML (ModelSpec::to_toml) and safetensors
// weights with the documented tensor names (BN unfolded; the engine folds at load time).
#pragma once
#include <map>
#include <string>

#include "train/modules.h"

namespace ss {
class SafeTensors;
}

namespace ss::train {

// Writes every exported tensor as F32 (atomic). `metadata` goes into the safetensors header.
void save_weights(SpikingTransformerImpl& m, const std::string& path,
                  const std::map<std::string, std::string>& metadata = {});
// Copies every documented tensor from `st` into the modules, checking names and shapes; a
// missing or unexpected tensor is an error naming the file and the tensor.
void load_weights(SpikingTransformerImpl& m, const SafeTensors& st);
// Writes `<dir>/<stem>.toml` (weights = "<stem>.safetensors") and the weights beside it.
// Returns the model file's path.
std::string export_model(SpikingTransformerImpl& m, const std::string& dir, const std::string& stem,
                         const std::map<std::string, std::string>& metadata = {});
// Loads a model file and its weights into new modules, in eval mode (the float reference).
SpikingTransformer load_model(const std::string& model_path);

int64_t parameter_count(SpikingTransformerImpl& m);

}  // namespace ss::train
