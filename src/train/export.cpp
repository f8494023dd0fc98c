#include "train/export.h"

#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/files.h"
#include "common/safetensors.h"

namespace ss::train {

void save_weights(SpikingTransformerImpl& m, const std::string& path,
                  const std::map<std::string, std::string>& metadata) {
  SafeTensorsWriter w;
  for (auto& [name, t] : export_tensors(m)) {
    torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
    w.add(name, DType::F32, c.sizes().vec(), c.data_ptr<float>());
  }
  for (auto& [k, v] : metadata) w.set_metadata(k, v);
  w.save(path);
}

void load_weights(SpikingTransformerImpl& m, const SafeTensors& st) {
  torch::NoGradGuard no_grad;
  std::set<std::string> expected;
  for (auto& [name, t] : export_tensors(m)) {
    expected.insert(name);
    if (!st.has(name)) throw error_at(st.origin(), name, "missing tensor");
    std::vector<float> v = st.floats(name, t.sizes().vec());
    t.copy_(torch::from_blob(v.data(), t.sizes(), torch::kFloat32));
  }
  for (auto& name : st.names())
    if (!expected.count(name))
      throw error_at(st.origin(), name, "unexpected tensor (not part of this model)");
}

std::string export_model(SpikingTransformerImpl& m, const std::string& dir, const std::string& stem,
                         const std::map<std::string, std::string>& metadata) {
  namespace fs = std::filesystem;
  ModelSpec spec = m.spec;
  const std::string weights = (fs::path(dir) / (stem + ".safetensors")).string();
  const std::string model = (fs::path(dir) / (stem + ".toml")).string();
  spec.weights = weights;
  save_weights(m, weights, metadata);
  write_file_atomic(model, spec.to_toml());
  return model;
}

SpikingTransformer load_model(const std::string& model_path) {
  ModelSpec spec = ModelSpec::load(model_path);
  if (spec.weights.empty())
    throw error_at(model_path, "model.weights", "shape-only model: no weights to load");
  SpikingTransformer m(spec);
  load_weights(*m, SafeTensors::load(spec.weights));
  m->eval();
  return m;
}

int64_t parameter_count(SpikingTransformerImpl& m) {
  int64_t n = 0;
  for (auto& p : m.parameters()) n += p.numel();
  return n;
}

}  // namespace ss::train
