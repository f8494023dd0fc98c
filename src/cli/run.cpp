// `spikestack run`: the main job on the shipped default. Today: the engine on the shipped
// model in both numeric modes (reference float and the hardware's int golden model), their
// accuracy and agreement, per-layer activity, and a JSON record.
#include <fmt/format.h>

#include <filesystem>
#include <thread>

#include "cli/command.h"
#include "cli/inference.h"
#include "common/error.h"
#include "common/files.h"

namespace ss::cli {
namespace {

struct Opts {
  std::string model, data = "fashion-mnist", data_root, out = "out";
  size_t limit = 2000;
  unsigned threads = 0;
  bool quiet = false;
};

std::string default_model() {
  for (auto m : {"models/moe-fmnist.toml", "models/spikformer-fmnist.toml", "models/semm-fmnist.toml"})
    if (std::filesystem::exists(home_path(m))) return home_path(m);
  throw Error(home_path("models") + ": no shipped model found (expected moe-fmnist.toml)");
}

void run(Opts o) {
  if (o.model.empty()) o.model = default_model();
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  Dataset ds = load_dataset(o.data, "test", o.data_root);
  if (o.limit) ds.truncate(o.limit);
  nlohmann::json report;
  std::vector<std::vector<int>> labels;
  for (Mode mode : {Mode::Float, Mode::Int}) {
    Network net = load_network(o.model, mode);
    InferResult r = run_inference(net, ds, threads, o.quiet, nullptr);
    double acc = double(r.correct) / double(std::max<size_t>(r.samples, 1));
    double ips = double(r.samples) / std::max(r.seconds, 1e-9);
    nlohmann::json j = trace_json(r.trace);
    j["accuracy"] = acc;
    j["images_per_second"] = ips;
    report[mode_name(mode)] = j;
    report["model"] = net.spec().name;
    labels.push_back(std::move(r.labels));
    if (!o.quiet)
      fmt::print("{:<6} accuracy {:6.2f} %   {:8.1f} images/s ({} threads)\n", mode_name(mode),
                 100 * acc, ips, threads);
  }
  size_t same = 0;
  for (size_t i = 0; i < ds.count(); ++i) same += labels[0][i] == labels[1][i];
  double agree = double(same) / double(std::max<size_t>(ds.count(), 1));
  report["float_int_prediction_agreement"] = agree;
  report["samples"] = ds.count();
  report["model_file"] = o.model;
  if (!o.quiet) {
    fmt::print("float/int predictions agree on {:.2f} % of {} test images\n\n", 100 * agree, ds.count());
    fmt::print("{:<32} {:>9} {:>9} {:>16}\n", "layer (int mode)", "rate %", "rate t0 %", "exec SOPs/img");
    for (const auto& l : report["int"]["layers"])
      fmt::print("{:<32} {:>9.2f} {:>9.2f} {:>16.0f}\n", l["name"].get<std::string>(),
                 100 * l["firing_rate"].get<double>(), 100 * l["firing_rate_per_step"][0].get<double>(),
                 l["sops_exec_per_sample"].get<double>());
  }
  std::string path = (std::filesystem::path(o.out) / "run.json").string();
  write_file_atomic(path, report.dump(2) + "\n");
  if (!o.quiet) fmt::print("\nwrote {}\n", path);
}

void add(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  auto* c = app.add_subcommand("run", "The main job on the shipped default model");
  c->footer(
      "Examples:\n"
      "  spikestack run                       # shipped model, 2000 Fashion-MNIST test images\n"
      "  spikestack run --limit 0 --out res   # whole test set, results in res/run.json");
  c->add_option("-m,--model", o->model, "Model file (default: the shipped routed-MoE model)");
  c->add_option("-d,--data", o->data, "Data set")->capture_default_str();
  c->add_option("--data-root", o->data_root, "Directory of the data set files");
  c->add_option("-n,--limit", o->limit, "Test images to use (0 = all)")->capture_default_str();
  c->add_option("-j,--threads", o->threads, "Worker threads (0 = all cores)");
  c->add_option("-o,--out", o->out, "Output directory")->capture_default_str();
  c->add_flag("-q,--quiet", o->quiet, "Print nothing");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(1, &add);

}  // namespace
}  // namespace ss::cli
