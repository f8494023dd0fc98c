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
#include "cli/model_overrides.h"
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
  std::string out, dump, trace, kernels, predictions;
  std::vector<std::string> sets;  // model.<table>.<key>=<value> (model_overrides.h)
  bool json = false, quiet = false;
};

namespace {

// CSV, one row per image: index, label, predicted class, then the logits (float mode) or the
// int mode's scores, each printed so that it reads back to the same double.
void write_predictions(const std::string& path, const Dataset& ds, const InferResult& r) {
  std::string csv = "index,label,predicted";
  for (int c = 0; c < r.classes; ++c) csv += fmt::format(",logit_{}", c);
  csv += "\n";
  for (size_t i = 0; i < r.samples; ++i) {
    csv += fmt::format("{},{},{}", i, ds.labels[i], r.labels[i]);
    for (int c = 0; c < r.classes; ++c)
      csv += fmt::format(",{}", r.scores[i * size_t(r.classes) + size_t(c)]);
    csv += "\n";
  }
  write_file_atomic(path, csv);
}

void run(const InferOptions& o) {
  if (!o.kernels.empty()) {
    try {
      kern::select(o.kernels);
    } catch (const Error& e) {  // unknown here: a bad option value (exit 2)
      throw CLI::ValidationError("--kernels", e.what());
    }
  }
  Mode mode = parse_mode(o.mode);
  std::vector<std::string> rest = o.sets;
  const std::vector<std::string> model_sets = take_model_sets(rest);
  if (!rest.empty())
    throw CLI::ValidationError("--set", "infer takes model keys only (model.<table>.<key>=<value>, "
                                        "e.g. model.attention.head_keep=0.5), got '" + rest[0] + "'");
  Network net = load_network(load_model_spec(o.model, model_sets), mode);
  const auto& sp = net.spec();
  Dataset ds = load_model_data(sp, o.data, o.split, o.data_root, o.limit);
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  std::optional<SpikeDumpFile> dump;
  if (!o.dump.empty()) {  // the layout from one probe run of the first image
    DumpLayout layout;
    if (ds.count()) net.run(ds.image(0), &layout);
    dump.emplace(o.dump, layout, int64_t(ds.count()));
  }
  SinkFactory sinks;
  if (dump) sinks = [&] { return std::make_unique<SpikeDumpFile::Sink>(*dump); };
  InferResult r = run_inference(net, ds, threads, o.quiet, sinks);
  double acc = r.samples ? double(r.correct) / double(r.samples) : 0.0;
  double ips = r.seconds > 0 ? double(r.samples) / r.seconds : 0.0;
  if (!o.quiet && !o.json) {
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
  if (o.json || !o.out.empty()) {
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
    if (!o.out.empty()) write_file_atomic(o.out, j.dump(2) + "\n");
    if (o.json) std::cout << j.dump(2) << "\n";
  }
  if (!o.predictions.empty()) write_predictions(o.predictions, ds, r);
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
      "  spikestack infer --model models/moe-fmnist.toml --mode int --limit 1000 --out out.json\n"
      "  spikestack infer --limit 100 --predictions pred.csv -q        # per image: label, class, logits\n"
      "  spikestack infer --data cifar10 --data-root ~/cifar-10-batches-bin --model my.toml\n"
      "  spikestack infer --limit 16 --dump-spikes spikes.safetensors --trace trace.safetensors\n"
      "  spikestack infer --model models/moe-fmnist.toml --set model.attention.head_keep=0.5  # 2 of 4 heads");
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
  // --json FILE was this command's spelling of --out FILE; it still works, with a note
  auto old_json = std::make_shared<std::string>();
  auto* json = c->add_option("--json", *old_json,
                             "Print the JSON (accuracy, per-layer rates and SOPs, throughput) to "
                             "stdout instead of the table")
                   ->expected(0, 1);
  c->add_option("-o,--out", o->out, "Write the same JSON to this file (atomic)");
  c->add_option("--predictions", o->predictions,
                "Write per image index, label, predicted class and logits (CSV; docs/formats.md)");
  c->add_option("--dump-spikes", o->dump, "Write every layer's spikes (safetensors, uint8 [samples,T,tokens,channels])");
  c->add_option("--trace", o->trace, "Write the activity trace (safetensors; see docs/formats.md)");
  c->add_option("--kernels", o->kernels, "Force a kernel set: scalar, avx2, avx512 (default: best)");
  c->add_option("--set", o->sets,
                 "Override a model-file key for this run: model.<table>.<key>=<value> "
                 "(repeatable), e.g. model.attention.head_keep=0.5 (head pruning)");
  c->add_flag("-q,--quiet", o->quiet, "No progress or table on the terminal");
  c->callback([o, json, old_json] {
    const bool deprecated = json->count() && !old_json->empty();
    if (deprecated) {
      if (!o->out.empty() && o->out != *old_json)
        throw CLI::ValidationError("--json", "names a file and so does --out: give only --out");
      o->out = *old_json;
    } else {
      o->json = json->count() > 0;
    }
    run(*o);
    // after the work, so that an error stays the one line on stderr
    if (deprecated)
      std::cerr << "spikestack: note: 'infer --json FILE' is deprecated: use --out FILE (--json "
                   "alone prints the JSON, as in every command)\n";
  });
}

RegisterCommand reg(10, &add);

}  // namespace
}  // namespace ss::cli
