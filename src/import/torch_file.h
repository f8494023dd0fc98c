// PyTorch checkpoint files as torch.save writes them (the zip format of PyTorch >= 1.6): the
// tensors of the state dict inside, by name, converted to float32. Read without LibTorch, whose
// pickle reader (torch::pickle_load) cannot read the OrderedDict a state_dict is.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ss::imp {

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

struct TorchCheckpoint {
  std::string path;
  std::string dict_key;              // where the state dict was found ("" = the top level)
  std::vector<NamedTensor> tensors;  // in the file's order
  std::string fingerprint;           // `spikestack train` checkpoints: the model file they train
};

// The state dict is the top-level dict of tensors, or the dict under "state_dict",
// "model_state_dict" or "model" (training checkpoints), or the "model" module of a
// `spikestack train` checkpoint.pt. A "module." prefix on every name (DataParallel) is removed.
TorchCheckpoint read_torch_checkpoint(const std::string& path);

}  // namespace ss::imp
