// `spikestack random-weights`: random weights for a (shape-only) model file, for tests,
// benchmarks and studies of untrained shapes. Writes a weights file and a model file naming it.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "common/files.h"
#include "engine/model_spec.h"
#include "engine/random_model.h"

namespace ss::cli {
namespace {

struct Opts {
  std::string model, out;
  uint64_t seed = 1;
  bool json = false;
};

void run(const Opts& o) {
  ModelSpec spec = ModelSpec::load(o.model);
  std::filesystem::path out(o.out);
  std::filesystem::path weights = out;
  weights.replace_extension(".safetensors");
  spec.weights = weights.string();
  random_weights(spec, o.seed).save(weights.string());
  write_file_atomic(out.string(), spec.to_toml());
  if (o.json)
    std::cout << nlohmann::json{{"model", out.string()}, {"weights", weights.string()}}.dump(2) << "\n";
  else
    std::cout << "wrote " << out.string() << " and " << weights.string() << "\n";
}

void add(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  auto* c = app.add_subcommand("random-weights", "Give a model file random weights (untrained)");
  c->footer("Example:\n  spikestack random-weights models/paper/spikformer-4-384.toml -o /tmp/r.toml --seed 7");
  c->add_option("model", o->model, "Model file (TOML)")->required();
  c->add_option("-o,--out", o->out, "Output model file; weights go next to it (.safetensors)")->required();
  c->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  c->add_flag("--json", o->json, "Print the written paths as JSON");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(90, &add);

}  // namespace
}  // namespace ss::cli
