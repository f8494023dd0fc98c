// The `spikestack train` command: options and entry point (no LibTorch in this header, so the
// command line can include it cheaply).
#pragma once
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace ss {

struct TrainOptions {
  std::string config;   // training recipe (configs/train/*.toml)
  std::string out;      // output directory; default runs/<model name>
  bool resume = false;  // continue from <out>/checkpoint.pt if present
  int epochs = -1;      // override train.epochs (-1: keep)
  int polish_epochs = -1;  // override train.polish_epochs (-1: keep)
  int64_t limit = 0;    // use only the first N training (and test) images (0: all)
  int threads = 2;      // LibTorch intra-op threads
  bool json = false;    // print summary.json to stdout (progress lines go to stderr)
};

// Trains, checkpoints every epoch, exports <out>/<name>.toml + .safetensors and
// <out>/summary.json. Returns the process exit code; throws ss::Error on bad input.
int train_main(const TrainOptions& opts);

// train_main with C linkage: what the command line looks up in the trainer module.
extern "C" int spikestack_train_main(const TrainOptions* opts);

// Registers the `train` subcommand (with --help text and examples) on the CLI.
void add_train_command(CLI::App& app);

}  // namespace ss
