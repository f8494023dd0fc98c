// `spikestack sim`: run a model on the accelerator description, cycle by cycle on real (or
// synthetic) spikes or analytically from firing statistics; prints a per-layer table and
// writes the activity tree (JSON, schema spikestack.activity/1) for the physical model.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/simulation.h"
#include "cli/study.h"
#include "common/files.h"
#include "sim/table.h"

namespace ss::cli {

struct SimOptions {
  SimRequest req;
  std::string styles, out;  // comma-separated styles; JSON output file
  bool no_silicon = false, json = false;
};

namespace {

void run(SimOptions& o) {
  o.req.styles = parse_styles(o.styles);  // a usage error, before any work
  o.req.silicon = !o.no_silicon;
  const bool quiet = o.req.quiet;
  o.req.quiet = quiet || o.json;
  SimOutcome r = run_simulation(o.req);
  if (!o.out.empty()) write_file_atomic(o.out, r.json.dump(2) + "\n");
  if (o.json) {
    std::cout << r.json.dump(2) << "\n";
  } else if (!quiet) {
    fmt::print("model     {} ({})\narch      {} ({})\nmode      {}\nspikes    {}\n\n", r.spec.name,
               o.req.model, r.arch.name, o.req.arch, o.req.mode, r.source);
    std::cout << sim::format_activity(r.result.activity, r.arch);
    if (!r.silicon.empty()) std::cout << "\n" << phys::comparison_table(r.silicon);
  }
}

void add(CLI::App& app) {
  auto o = std::make_shared<SimOptions>();
  SimRequest& q = o->req;
  q.model = home_path("models/moe-fmnist.toml");
  q.arch = home_path("configs/arch/paper.toml");
  q.tech = home_path("technologies/28nm.toml");
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
  c->add_option("-m,--model", q.model, "Model file (TOML)")->capture_default_str();
  c->add_option("-a,--arch", q.arch, "Architecture file (TOML)")->capture_default_str();
  c->add_option("--set", q.sets,
                 "Override a parameter: dotted.key=value (repeatable); technology keys prefixed 'tech.'");
  c->add_option("-t,--tech", q.tech, "Technology file for the physical model")->capture_default_str();
  c->add_option("--styles", o->styles, "Comma-separated integration styles (default: all)");
  c->add_flag("--no-silicon", o->no_silicon, "Activity only: skip the physical model");
  c->add_option("--mode", q.mode, "cycle (spike-driven) or analytical (closed form)")
      ->capture_default_str()->check(CLI::IsMember({"cycle", "analytical"}));
  c->add_option("-d,--data", q.data, "Data set: fashion-mnist, cifar10, cifar100")
      ->capture_default_str()
      ->check(CLI::IsMember(kDataSets));
  c->add_option("--data-root", q.data_root, "Directory of the data set files");
  c->add_option("--split", q.split, "train or test")->capture_default_str()->check(CLI::IsMember({"train", "test"}));
  c->add_option("-n,--limit", q.limit, "Samples to simulate (0 = all)")
      ->capture_default_str()
      ->check(whole_number(kMaxSamples));
  c->add_option("--spikes", q.spikes, "Read spikes from a dump (spikestack infer --dump-spikes) instead of running the engine");
  c->add_option("--trace", q.trace, "Analytical mode: firing statistics from a trace (spikestack infer --trace) instead of running the engine");
  c->add_option("--numerics", q.numerics, "Engine numerics: int (hardware golden model) or float")
      ->capture_default_str()->check(CLI::IsMember({"int", "float"}));
  c->add_option("--rate", q.rate, "Firing rate for shape-only models (synthetic spikes / analytical)")
      ->capture_default_str()
      ->check(fraction());
  c->add_option("--seed", q.seed, "Seed of the synthetic spikes")
      ->capture_default_str()
      ->check(whole_number(UINT64_MAX));
  c->add_flag("--json", o->json, "Print the JSON (activity tree + silicon per style) instead of the tables");
  c->add_option("-o,--out", o->out, "Write the JSON (activity tree + silicon per style) to this file (atomic)");
  c->add_flag("-q,--quiet", q.quiet, "No table");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(30, &add);

}  // namespace
}  // namespace ss::cli
