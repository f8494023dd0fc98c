// `spikestack import`: a Spikformer-family PyTorch checkpoint (torch.save of a state_dict) ->
// a model file + safetensors weights the engine runs. Everything is checked (names, shapes,
// and a load by the engine) before anything is written.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/study.h"
#include "common/error.h"
#include "common/files.h"
#include "common/safetensors.h"
#include "engine/network.h"
#include "import/spikformer.h"
#include "import/torch_file.h"

namespace ss::cli {
namespace {

struct Opts {
  std::string checkpoint, out, name, input, pools;
  imp::ImportOptions imp;
  bool json = false, quiet = false;
};

// "1,28,28" -> {1, 28, 28}: whole numbers 1..65536, `n` of them
std::vector<int> numbers(const std::string& option, const std::string& csv, size_t n) {
  std::vector<int> v;
  for (const auto& s : split_list(csv)) {
    bool ok = !s.empty() && s.size() <= 5;
    for (char c : s) ok = ok && c >= '0' && c <= '9';
    if (!ok || std::stoi(s) < 1 || std::stoi(s) > 65536)
      throw CLI::ValidationError(option,
                                 fmt::format("expected whole numbers 1..65536, got '{}'", csv));
    v.push_back(std::stoi(s));
  }
  if (v.size() != n)
    throw CLI::ValidationError(
        option, fmt::format("expected {} comma-separated numbers, got '{}'", n, csv));
  return v;
}

void run(Opts& o) {
  namespace fs = std::filesystem;
  fs::path out(o.out), weights = fs::path(o.out).replace_extension(".safetensors");
  std::error_code ec;
  if (!out.has_filename() || fs::is_directory(out, ec))
    throw error_at(o.out, "",
                   "is a directory, expected the path of the model file to write (e.g. {})",
                   (out / "model.toml").string());
  if (weights == out)
    throw error_at(o.out, "", "the weights go to <out>.safetensors: expected a .toml path");
  int channels = 0;
  if (!o.input.empty()) {
    auto v = numbers("--input", o.input, 3);
    channels = v[0], o.imp.height = v[1], o.imp.width = v[2];
  }
  if (!o.pools.empty())
    for (const auto& s : split_list(o.pools)) {
      if (s != "0" && s != "1" && s != "true" && s != "false")
        throw CLI::ValidationError("--pool",
                                   fmt::format("expected 0/1 per stage, got '{}'", o.pools));
      o.imp.pools.push_back(s == "1" || s == "true");
    }
  o.imp.name = o.name.empty() ? out.stem().string() : o.name;
  check_file_name(o.out, "model name", o.imp.name);

  const imp::TorchCheckpoint ck = imp::read_torch_checkpoint(o.checkpoint);
  imp::ImportedModel m = imp::import_spikformer(ck, o.imp);
  if (channels && channels != m.spec.in_channels)
    throw error_at(o.checkpoint,
                   m.layout == "spikformer" ? "patch_embed.proj_conv.weight" : "sps.conv0.weight",
                   "takes {} input channels, --input says {}", m.spec.in_channels, channels);
  SafeTensorsWriter w;
  for (const auto& t : m.tensors) w.add_f32(t.name, t.shape, t.values);
  w.set_metadata("imported_from", fs::path(o.checkpoint).filename().string());
  w.set_metadata("layout", m.layout);
  // the engine loads it (finite values, folded BatchNorm) before a byte is written
  const std::vector<uint8_t> bytes = w.serialize();
  (void)Network(m.spec, SafeTensors::parse(bytes, o.checkpoint), Mode::Float);
  (void)Network(m.spec, SafeTensors::parse(bytes, o.checkpoint), Mode::Int);
  m.spec.weights = weights.string();
  write_file_atomic(weights.string(), bytes.data(), bytes.size());
  write_file_atomic(out.string(), m.spec.to_toml());
  if (o.json) {
    std::cout << nlohmann::json{{"model", out.string()},
                                {"weights", weights.string()},
                                {"layout", m.layout},
                                {"tensors", m.tensors.size()},
                                {"ignored", m.ignored}}
                     .dump(2)
              << "\n";
  } else if (!o.quiet) {
    fmt::print("read {} ({} layout{}): {} tensors", o.checkpoint, m.layout,
               ck.dict_key.empty() ? "" : ", under '" + ck.dict_key + "'", m.tensors.size());
    if (!m.ignored.empty()) fmt::print(", {} unused by the forward pass ignored", m.ignored.size());
    fmt::print("\nwrote {} and {}\n", out.string(), weights.string());
  }
}

void add(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  auto* c = app.add_subcommand(
      "import", "Convert a Spikformer-family PyTorch checkpoint into a model file + weights");
  c->footer(
      "Reads torch.save(model.state_dict(), f) of the public Spikformer code (CIFAR variant:\n"
      "patch_embed.proj_conv*, block.{i}.attn.q_linear, ...) or of a model named as this project\n"
      "names its tensors (sps.*, blocks.*, head), and `spikestack train`'s checkpoint.pt.\n"
      "A state dict holds no time steps, heads or image size: give them (docs/import.md).\n"
      "Examples:\n"
      "  spikestack import model.pth --heads 12 --out my.toml              # CIFAR, T = 4\n"
      "  spikestack import model.pth --heads 4 --input 1,28,28 --out fm.toml && spikestack infer "
      "-m fm.toml");
  c->add_option("checkpoint", o->checkpoint,
                "PyTorch checkpoint (.pth / .pt, torch.save's zip format)")
      ->required();
  c->add_option("-o,--out", o->out,
                "Model file to write (TOML); the weights go next to it (.safetensors)")
      ->required();
  c->add_option("--heads", o->imp.heads, "Attention heads of the SSA blocks (not in a state dict)")
      ->check(CLI::Range(1, 4096));
  c->add_option("-T,--timesteps", o->imp.timesteps, "Time steps T")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  c->add_option("--input", o->input,
                "Image channels,height,width (default: the first conv's channels, 32, 32)");
  c->add_option("--pool", o->pools,
                "Max pool after each tokenizer stage, e.g. 0,0,1,1 (default: after the last two)");
  c->add_option("--top-k", o->imp.top_k, "Routed MoE: experts per token")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  c->add_option("--name", o->name, "model.name (default: the output file's stem)");
  c->add_flag("--json", o->json, "Print the written paths as JSON");
  c->add_flag("-q,--quiet", o->quiet, "Print nothing");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(85, &add);

}  // namespace
}  // namespace ss::cli
