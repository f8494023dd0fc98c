// `spikestack infer`: run a model on a data set with the engine; accuracy, firing rates,
// synaptic operations, throughput; optional spike dump and trace.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "cli/inference.h"
#include "common/error.h"
#include "common/files.h"
#include "data/dataset.h"
#include "engine/kernels/kernels.h"
#include "engine/network.h"
#include "engine/spike_dump.h"
#include "engine/trace.h"

namespace ss::cli {

struct InferOptions {
  std::string model, data = "fashion-mnist", data_root, split = "test", mode = "float";
  size_t limit = 0;
  unsigned threads = 0;
  std::string json, dump, trace, kernels;
  bool quiet = false;
};

namespace {

void run(const InferOptions& o) {
  if (!o.kernels.empty()) {
    try {
      kern::select(o.kernels);
    } catch (const Error& e) {  // unknown here: a bad option value (exit 2)
      throw CLI::ValidationError("--kernels", e.what());
    }
  }
  Mode mode = parse_mode(o.mode);
  Network net = load_network(o.model, mode);
  const auto& sp = net.spec();
  Dataset ds = load_model_data(sp, o.data, o.split, o.data_root, o.limit);
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  std::optional<SpikeDumpFile> dump;
  if (!o.dump.empty()) {  // the layout from one probe run of the first image
    DumpLayout layout;
    if (ds.count()) net.run(ds.image(0), &layout);
    dump.emplace(o.dump, layout, int64_t(ds.count()));
  }
  InferResult r = run_inference(net, ds, threads, o.quiet, dump ? &*dump : nullptr);
  double acc = r.samples ? double(r.correct) / double(r.samples) : 0.0;
  double ips = r.seconds > 0 ? double(r.samples) / r.seconds : 0.0;
  const bool json_stdout = o.json == "-";
  if (!o.quiet && !json_stdout) {
    fmt::print("model     {} ({} mode, kernels {})\n", sp.name, mode_name(mode), kern::kernels().name);
    fmt::print("data      {} {} ({} samples)\n", o.data, o.split, r.samples);
    fmt::print("accuracy  {:.2f} % ({}/{})\n", 100.0 * acc, r.correct, r.samples);
    fmt::print("speed     {:.1f} images/s on {} thread(s)\n", ips, threads);
    fmt::print("\n{:<28} {:>8} {:>14} {:>14}\n", "layer", "rate %", "SOPs dense", "SOPs exec");
    for (const auto& l : r.trace.layers()) {
      int64_t d = 0, e = 0;
      for (int t = 0; t < l.T; ++t) d += l.sops_dense[t], e += l.sops_exec[t];
      double s = double(std::max<int64_t>(l.samples, 1));
      fmt::print("{:<28} {:>8.2f} {:>14.0f} {:>14.0f}\n", l.name, 100.0 * l.rate(), d / s, e / s);
    }
    for (const auto& [b, u] : r.trace.expert_usage()) {
      fmt::print("expert usage {}:", b);
      for (auto v : u) fmt::print(" {}", v);
      fmt::print("\n");
    }
    for (const auto& [p, u] : r.trace.expert_gating()) {
      fmt::print("expert gating {} (% of time-step x token slots open):", p);
      for (size_t e = 0; e < u.open.size(); ++e) fmt::print(" {:.1f}", 100.0 * u.share(e));
      fmt::print("\n");
    }
  }
  if (!o.json.empty()) {
    nlohmann::json j = trace_json(r.trace);
    j["model"] = sp.name;
    j["model_file"] = o.model;
    j["mode"] = mode_name(mode);
    j["data"] = o.data;
    j["split"] = o.split;
    j["samples"] = r.samples;
    j["correct"] = r.correct;
    j["accuracy"] = acc;
    j["images_per_second"] = ips;
    j["threads"] = threads;
    j["kernels"] = kern::kernels().name;
    if (json_stdout)
      std::cout << j.dump(2) << "\n";
    else
      write_file_atomic(o.json, j.dump(2) + "\n");
  }
  if (dump) dump->commit();
  if (!o.trace.empty()) r.trace.save(o.trace, mode_name(mode));
}

void add(CLI::App& app) {
  auto o = std::make_shared<InferOptions>();
  o->model = home_path("models/spikformer-fmnist.toml");
  auto* c = app.add_subcommand("infer", "Run a spiking transformer on a data set with the engine");
  c->footer(
      "Examples:\n"
      "  spikestack infer                                  # shipped Spikformer, Fashion-MNIST test set\n"
      "  spikestack infer --model models/moe-fmnist.toml --mode int --limit 1000 --json out.json\n"
      "  spikestack infer --data cifar10 --data-root ~/cifar-10-batches-bin --model my.toml\n"
      "  spikestack infer --limit 16 --dump-spikes spikes.safetensors --trace trace.safetensors");
  c->add_option("-m,--model", o->model, "Model file (TOML); weights are named inside")->capture_default_str();
  c->add_option("-d,--data", o->data, "Data set: fashion-mnist, cifar10, cifar100")
      ->capture_default_str()
      ->check(CLI::IsMember(kDataSets));
  c->add_option("--data-root", o->data_root, "Directory of the data set files (CIFAR: required)");
  c->add_option("--split", o->split, "train or test")->capture_default_str()->check(CLI::IsMember({"train", "test"}));
  c->add_option("-n,--limit", o->limit, "Use only the first N samples (0 = all)")
      ->check(whole_number(kMaxSamples));
  c->add_option("--mode", o->mode, "Numerics: float (reference) or int (hardware golden model)")
      ->capture_default_str()->check(CLI::IsMember({"float", "int"}));
  c->add_option("-j,--threads", o->threads, "Worker threads (0 = all cores)")
      ->check(whole_number(kMaxThreads));
  auto* json = c->add_option("--json", o->json,
                             "Accuracy, per-layer rates and SOPs, throughput as JSON: to FILE, or to "
                             "stdout without one")
                   ->expected(0, 1);
  c->add_option("--dump-spikes", o->dump, "Write every layer's spikes (safetensors, uint8 [samples,T,tokens,channels])");
  c->add_option("--trace", o->trace, "Write the activity trace (safetensors; see docs/formats.md)");
  c->add_option("--kernels", o->kernels, "Force a kernel set: scalar, avx2, avx512 (default: best)");
  c->add_flag("-q,--quiet", o->quiet, "No progress or table on the terminal");
  c->callback([o, json] {
    if (json->count() && o->json.empty()) o->json = "-";
    run(*o);
  });
}

RegisterCommand reg(10, &add);

}  // namespace
}  // namespace ss::cli
