// `spikestack rtl`: writes the accelerator's Verilog, parameter header, the weight buffer's image,
// the programs of the first images of the data set, and a manifest for an architecture and a
// model (docs/rtl.md).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "arch/arch_spec.h"
#include "cli/command.h"
#include "cli/inference.h"
#include "common/error.h"
#include "engine/model_spec.h"
#include "rtl/generate.h"

namespace ss::cli {

struct RtlOptions {
  std::string model, arch, out, data = "fashion-mnist", data_root;
  std::vector<std::string> sets;
  size_t images = 1;
  bool json = false, ops = false;
};

namespace {

void run(const RtlOptions& o) {
  const ModelSpec spec = ModelSpec::load(o.model);
  const arch::Arch a = arch::load_arch(o.arch, o.sets);
  rtl::GenerateOptions g;
  g.hw_dir = home_path("hw");
  g.out_dir = o.out;
  g.ops_text = o.ops;
  g.weights = !spec.weights.empty() && std::filesystem::exists(spec.weights);
  Dataset ds;
  if (g.weights && o.images > 0) {
    ds = load_model_data(spec, o.data, "test", o.data_root, o.images);
    g.images = &ds;
  }
  const rtl::GenerateSummary s = rtl::generate(a, spec, g);
  if (o.json) {
    std::cout << nlohmann::json{{"out", o.out},
                                {"verilog_files", s.verilog_files},
                                {"programs", s.programs},
                                {"ops", s.ops},
                                {"weights", g.weights},
                                {"unsupported", s.unsupported}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << fmt::format("{}: {} Verilog files, ss_params.vh, {} programs ({} ops){}\n", o.out,
                           s.verilog_files, s.programs, s.ops,
                           g.weights ? "" : " (shape-only model: no program)");
  if (!s.unsupported.empty()) {
    std::cout << "not in the RTL yet (no program written):";
    for (const auto& n : s.unsupported) std::cout << ' ' << n;
    std::cout << '\n';
  }
}

void add(CLI::App& app) {
  auto o = std::make_shared<RtlOptions>();
  o->model = home_path("models/moe-fmnist.toml");
  o->arch = home_path("configs/arch/small.toml");
  auto* c = app.add_subcommand(
      "rtl",
      "Write the accelerator's Verilog, parameters, weight-buffer image and programs for an arch + "
      "model");
  c->add_option("-m,--model", o->model, "Model file (TOML)")->capture_default_str();
  c->add_option("-a,--arch", o->arch, "Architecture file (TOML)")->capture_default_str();
  c->add_option("--set", o->sets, "Override an architecture key: dotted.key=value (repeatable)");
  c->add_option("-o,--out", o->out,
                "Output directory (written whole, replaced only if it is an "
                "earlier rtl output)")
      ->required();
  c->add_option("-n,--images", o->images, "Test images whose programs are written")
      ->capture_default_str()
      ->check(CLI::Range(size_t(0), size_t(10000)));
  c->add_option("-d,--data", o->data, "Data set of the images")->capture_default_str();
  c->add_option("--data-root", o->data_root, "Directory of the data set files");
  c->add_flag("--ops", o->ops,
              "Also write every core's ops as text (program/image<i>/<layer>.core<k>.ops); "
              "the .rec holds the same program");
  c->add_flag("--json", o->json, "Print what was written as JSON instead of the summary line");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(35, &add);

}  // namespace
}  // namespace ss::cli
