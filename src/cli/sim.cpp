// `spikestack sim`: run a model on the accelerator description, cycle by cycle on real (or
// synthetic) spikes or analytically from firing statistics; prints a per-layer table and
// writes the activity tree (JSON, schema spikestack.activity/1) for the physical model.
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "arch/arch_spec.h"
#include "cli/command.h"
#include "cli/inference.h"
#include "cli/study.h"
#include "common/error.h"
#include "common/files.h"
#include "data/dataset.h"
#include "engine/model_spec.h"
#include "engine/network.h"
#include "sim/simulate.h"
#include "sim/sources.h"
#include "sim/table.h"

namespace ss::cli {

struct SimOptions {
  std::string model, arch, data = "fashion-mnist", data_root, split = "test", spikes, trace;
  std::string mode = "cycle", numerics = "int", out;
  std::vector<std::string> sets;
  std::string tech, styles;  // physical model: technology file, comma-separated styles
  bool no_silicon = false;
  size_t limit = 8;
  double rate = 0.1;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

namespace {

void run(const SimOptions& o) {
  // options that the chosen mode would ignore are usage errors, found before any work
  if (o.mode == "analytical" && !o.spikes.empty())
    throw CLI::ValidationError(
        "--spikes", "the analytical mode takes firing statistics, not a dump; use --mode cycle");
  if (o.mode == "cycle" && !o.trace.empty())
    throw CLI::ValidationError("--trace",
                               "the cycle mode takes spikes, not firing statistics; use --mode "
                               "analytical (or --spikes with a dump)");
  const std::vector<std::string> styles = parse_styles(o.styles);
  ModelSpec spec = ModelSpec::load(o.model);
  std::vector<std::string> arch_sets, tech_sets;
  split_overrides(o.sets, arch_sets, tech_sets);
  arch::Arch a = arch::load_arch(o.arch, arch_sets);
  // bad input fails before the work
  const std::optional<tech::Technology> tech =
      o.no_silicon ? std::nullopt : std::optional(load_tech(o.tech, tech_sets));
  sim::Workload w = sim::build_workload(spec);
  sim::SimResult r;
  std::string source;
  auto dataset = [&] { return load_model_data(spec, o.data, o.split, o.data_root, o.limit); };
  if (o.mode == "cycle") {
    if (!o.spikes.empty()) {
      // validate the dump before touching the data set (which only supplies pixels)
      (void)sim::dump_source(o.spikes, w, nullptr, o.limit);
      Dataset ds = dataset();
      Progress prog("simulate", o.limit ? std::min(o.limit, ds.count()) : ds.count(), o.quiet || o.json);
      r = sim::simulate_cycle(a, w, with_progress(sim::dump_source(o.spikes, w, &ds, o.limit), prog));
      prog.done();
      source = "spike dump " + o.spikes;
    } else if (!spec.weights.empty()) {
      Network net = load_network(o.model, parse_mode(o.numerics));
      Dataset ds = dataset();
      Progress prog("simulate", ds.count(), o.quiet || o.json);
      r = sim::simulate_cycle(a, w, with_progress(sim::engine_source(net, ds, ds.count(), nullptr), prog));
      prog.done();
      source = fmt::format("engine ({} mode) on {} {} x {}", o.numerics, o.data, o.split, ds.count());
    } else {
      r = sim::simulate_cycle(a, w, sim::synthetic_source(w, o.rate, o.seed, std::max<size_t>(o.limit, 1)));
      source = fmt::format("SYNTHETIC Bernoulli spikes, rate {} per layer, seed {} (shape-only model)",
                           o.rate, o.seed);
    }
  } else {
    std::vector<sim::LayerStats> st;
    if (!o.trace.empty()) {
      Trace tr = sim::load_trace(o.trace, w);
      try {
        st = sim::stats_from_trace(w, tr, a);
      } catch (const Error& e) {
        throw error_at(o.trace, "", "does not match model {}: {}", o.model, e.what());
      }
      source = fmt::format("firing statistics from the trace {} ({} samples)", o.trace, tr.samples());
    } else if (!spec.weights.empty()) {
      Network net = load_network(o.model, parse_mode(o.numerics));
      Dataset ds = dataset();
      Trace tr;
      for (size_t i = 0; i < ds.count(); ++i) net.run(ds.image(i), &tr);
      st = sim::stats_from_trace(w, tr, a);
      source = fmt::format("firing statistics of the engine ({} mode) on {} {} x {}", o.numerics,
                           o.data, o.split, ds.count());
    } else {
      st = sim::stats_from_rate(w, o.rate, a);
      source = fmt::format("assumed firing rate {} for every layer (shape-only model)", o.rate);
    }
    r = sim::simulate_analytical(a, w, st);
  }
  nlohmann::json j = r.activity.to_json();
  j["source"] = source;
  std::vector<phys::SiliconResult> silicon;
  if (!o.no_silicon) {
    silicon = evaluate_silicon(a, r.activity, *tech, styles, o.quiet || o.json);
    j["silicon"] = phys::to_json(silicon);
  }
  if (!o.out.empty()) write_file_atomic(o.out, j.dump(2) + "\n");
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else if (!o.quiet) {
    fmt::print("model     {} ({})\narch      {} ({})\nmode      {}\nspikes    {}\n\n", spec.name,
               o.model, a.name, o.arch, o.mode, source);
    std::cout << sim::format_activity(r.activity, a);
    if (!silicon.empty()) std::cout << "\n" << phys::comparison_table(silicon);
  }
}

void add(CLI::App& app) {
  auto o = std::make_shared<SimOptions>();
  o->model = home_path("models/moe-fmnist.toml");
  o->arch = home_path("configs/arch/paper.toml");
  o->tech = home_path("technologies/28nm.toml");
  auto* c = app.add_subcommand("sim", "Simulate a model on the accelerator (cycle-level or analytical)");
  c->footer(
      "Examples:\n"
      "  spikestack sim                                     # shipped MoE model, paper arch, 8 images\n"
      "  spikestack sim -m models/semm-fmnist.toml --limit 32 --out act.json\n"
      "  spikestack sim -m models/paper/moe-4-384.toml --rate 0.15      # synthetic spikes, labelled\n"
      "  spikestack sim --mode analytical --set se_cores.count=8 --set buffers.weight.size=\"1 MiB\"\n"
      "  spikestack infer -m models/moe-fmnist.toml -n 16 --mode int --dump-spikes s.st -q &&\n"
      "    spikestack sim -m models/moe-fmnist.toml --spikes s.st --json\n"
      "  spikestack infer -m models/moe-fmnist.toml -n 100 --mode int --trace t.st -q &&\n"
      "    spikestack sim -m models/moe-fmnist.toml --mode analytical --trace t.st\n"
      "Counters and the JSON schema: docs/sim.md; the architecture file: docs/arch.md.");
  c->add_option("-m,--model", o->model, "Model file (TOML)")->capture_default_str();
  c->add_option("-a,--arch", o->arch, "Architecture file (TOML)")->capture_default_str();
  c->add_option("--set", o->sets,
                 "Override a parameter: dotted.key=value (repeatable); technology keys prefixed 'tech.'");
  c->add_option("-t,--tech", o->tech, "Technology file for the physical model")->capture_default_str();
  c->add_option("--styles", o->styles, "Comma-separated integration styles (default: all)");
  c->add_flag("--no-silicon", o->no_silicon, "Activity only: skip the physical model");
  c->add_option("--mode", o->mode, "cycle (spike-driven) or analytical (closed form)")
      ->capture_default_str()->check(CLI::IsMember({"cycle", "analytical"}));
  c->add_option("-d,--data", o->data, "Data set: fashion-mnist, cifar10, cifar100")
      ->capture_default_str()
      ->check(CLI::IsMember(kDataSets));
  c->add_option("--data-root", o->data_root, "Directory of the data set files");
  c->add_option("--split", o->split, "train or test")->capture_default_str()->check(CLI::IsMember({"train", "test"}));
  c->add_option("-n,--limit", o->limit, "Samples to simulate (0 = all)")
      ->capture_default_str()
      ->check(whole_number(kMaxSamples));
  c->add_option("--spikes", o->spikes, "Read spikes from a dump (spikestack infer --dump-spikes) instead of running the engine");
  c->add_option("--trace", o->trace, "Analytical mode: firing statistics from a trace (spikestack infer --trace) instead of running the engine");
  c->add_option("--numerics", o->numerics, "Engine numerics: int (hardware golden model) or float")
      ->capture_default_str()->check(CLI::IsMember({"int", "float"}));
  c->add_option("--rate", o->rate, "Firing rate for shape-only models (synthetic spikes / analytical)")
      ->capture_default_str()
      ->check(fraction());
  c->add_option("--seed", o->seed, "Seed of the synthetic spikes")
      ->capture_default_str()
      ->check(whole_number(UINT64_MAX));
  c->add_flag("--json", o->json, "Print the JSON (activity tree + silicon per style) instead of the tables");
  c->add_option("-o,--out", o->out, "Write the JSON (activity tree + silicon per style) to this file (atomic)");
  c->add_flag("-q,--quiet", o->quiet, "No table");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(30, &add);

}  // namespace
}  // namespace ss::cli
