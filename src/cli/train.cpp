// The `train` subcommand of the spikestack command line. The trainer itself (LibTorch) is a
// module beside the executable, loaded only when `train` runs: every other command starts
// without LibTorch's 288 libraries and their 0.6 s of start-up CPU (docs/hardening.md).
#include <dlfcn.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>

#include "cli/command.h"
#include "common/error.h"
#include "common/files.h"
#include "common/toml_get.h"
#include "train/train_command.h"

namespace ss {

namespace {
// model.name becomes <out>/<name>.toml and runs/<name>: it must stay one path component
// (the recipe's other keys are checked by Recipe::load)
void check_recipe_name(const std::string& config) {
  toml::table t = parse_toml_file(config);
  if (const auto* name = t.at_path("model.name").as_string())
    check_file_name(config, "model.name", name->get());
}
// train_main from the trainer module (CMake target spikestack_train): next to the executable
// in the build tree, in <prefix>/lib/spikestack when installed (`cmake --install`).
int run_trainer(const TrainOptions& opts) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path dir = ec ? std::filesystem::path(".") : exe.parent_path();
  const char* name = "libspikestack_train.so";
  std::filesystem::path path = dir / name;
  if (const auto installed = dir / ".." / "lib" / "spikestack" / name;
      !std::filesystem::exists(path) && std::filesystem::exists(installed))
    path = installed.lexically_normal();
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw Error(fmt::format("{}: cannot load the trainer: {}", path.string(), dlerror()));
  using Entry = int (*)(const TrainOptions*);
  auto entry = reinterpret_cast<Entry>(dlsym(lib, "spikestack_train_main"));
  if (!entry)
    throw Error(fmt::format("{}: not a spikestack trainer: {}", path.string(), dlerror()));
  return entry(&opts);  // the module stays loaded until exit (LibTorch's threads outlive it)
}
}  // namespace

void add_train_command(CLI::App& app) {
  auto opts = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train",
      "Train a spiking transformer (LibTorch, BPTT over T) and export it as a model file + "
      "safetensors weights for the engine");
  sub->footer(R"(Writes to the output directory:
  checkpoint.pt                       after every epoch (atomic; --resume continues from it and
                                      gives the same result as an uninterrupted run)
  <name>.toml, <name>.safetensors     the model for `spikestack infer` (BN unfolded; the engine folds)
  summary.json                        test accuracy, expert usage, wall time, images per second

Examples:
  spikestack train --config configs/train/spikformer.toml --out runs/spikformer
  spikestack train --config configs/train/moe.toml --out runs/moe --resume
  spikestack train --config configs/train/semm.toml --limit 2000 --epochs 1   # quick smoke run
  spikestack train --config configs/train/moe.toml --json > summary.json   # progress on stderr)");
  sub->add_option("--config", opts->config,
                  "training recipe: a model file (docs/formats.md) plus a [train] table")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--out", opts->out, "output directory (default runs/<model name>)");
  sub->add_flag("--resume", opts->resume, "continue from <out>/checkpoint.pt when it exists");
  // the recipe's bounds (Recipe::load: train.epochs 1..100000, train.polish_epochs 0..100000)
  sub->add_option("--epochs", opts->epochs, "override train.epochs")
      ->check(cli::whole_number(100000, 1));
  sub->add_option("--polish-epochs", opts->polish_epochs, "override train.polish_epochs")
      ->check(cli::whole_number(100000));
  sub->add_option("--limit", opts->limit, "use only the first N training and N test images")
      ->check(cli::whole_number(cli::kMaxSamples));
  sub->add_flag("--json", opts->json,
                "print the run's summary (summary.json) to stdout; progress lines go to stderr");
  sub->add_option("--threads", opts->threads, "LibTorch threads")
      ->check(cli::whole_number(cli::kMaxThreads, 1))
      ->capture_default_str();
  sub->callback([opts] {
    check_recipe_name(opts->config);
    int rc = run_trainer(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ss

#ifdef SPIKESTACK_HAVE_TRAINER
namespace {
// registers `spikestack train` when the build has the trainer module (LibTorch found)
ss::cli::RegisterCommand reg_train(20, &ss::add_train_command);
}  // namespace
#endif
