// `spikestack random-weights`: random weights for a (shape-only) model file, for tests,
// benchmarks and studies of untrained shapes. Writes a weights file and a model file naming it.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "common/error.h"
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
  // checked before the (possibly large) weights are written beside it
  std::error_code ec;
  if (!out.has_filename() || std::filesystem::is_directory(out, ec))
    throw error_at(o.out, "",
                   "is a directory, expected the path of the model file to write (e.g. {})",
                   (out / "model.toml").string());
  if (weights == out)
    throw error_at(o.out, "", "the weights go to <out>.safetensors: expected a .toml path");
  // float32 values, held twice while the file is built: a clear error instead of bad_alloc
  const uint64_t need = uint64_t(spec.stored_values()) * 4 * 2, mem = physical_memory_bytes();
  if (mem && need > mem)
    throw error_at(o.model, "", "{} weights need {} of memory to generate, this machine has {}",
                   spec.stored_values(), gib(need), gib(mem));
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
  c->add_option("--seed", o->seed, "Random seed")
      ->capture_default_str()
      ->check(whole_number(UINT64_MAX));
  c->add_flag("--json", o->json, "Print the written paths as JSON");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(90, &add);

}  // namespace
}  // namespace ss::cli
