#include "cli/simulation.h"

#include "cli/model_overrides.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <optional>

#include "cli/inference.h"
#include "cli/study.h"
#include "common/error.h"
#include "common/toml_override.h"
#include "data/dataset.h"
#include "engine/network.h"
#include "sim/sources.h"

namespace ss::cli {

SimOutcome run_simulation(const SimRequest& o) {
  if (o.mode == "analytical" && !o.spikes.empty())
    throw CLI::ValidationError(
        "--spikes", "the analytical mode takes firing statistics, not a dump; use --mode cycle");
  if (o.mode == "cycle" && !o.trace.empty())
    throw CLI::ValidationError("--trace",
                               "the cycle mode takes spikes, not firing statistics; use --mode "
                               "analytical (or --spikes with a dump)");
  if (o.mode != "cycle" && o.mode != "analytical")
    throw CLI::ValidationError("--mode",
                               fmt::format("expected cycle or analytical, got '{}'", o.mode));
  SimOutcome out;
  std::vector<std::string> sets = o.sets, arch_sets, tech_sets;
  const std::vector<std::string> model_sets = take_model_sets(sets);
  split_overrides(sets, arch_sets, tech_sets);
  out.arch = arch::load_arch(o.arch, arch_sets);
  out.spec = load_model_spec(o.model, model_sets, &out.arch);  // head pruning: one keep ratio
  const ModelSpec& spec = out.spec;
  const arch::Arch& a = out.arch;
  // bad input fails before the work
  const std::optional<tech::Technology> tech =
      o.silicon ? std::optional(load_tech(o.tech, tech_sets)) : std::nullopt;
  sim::Workload w = sim::build_workload(spec);
  sim::SimResult& r = out.result;
  std::string& source = out.source;
  auto dataset = [&] { return load_model_data(spec, o.data, o.split, o.data_root, o.limit); };
  if (o.mode == "cycle") {
    if (!o.spikes.empty()) {
      // validate the dump before touching the data set (which only supplies pixels)
      (void)sim::dump_source(o.spikes, w, nullptr, o.limit);
      Dataset ds = dataset();
      Progress prog("simulate", o.limit ? std::min(o.limit, ds.count()) : ds.count(), o.quiet);
      r = sim::simulate_cycle(a, w,
                              with_progress(sim::dump_source(o.spikes, w, &ds, o.limit), prog));
      prog.done();
      source = "spike dump " + o.spikes;
    } else if (!spec.weights.empty()) {
      Network net = load_network(spec, parse_mode(o.numerics));
      Dataset ds = dataset();
      Progress prog("simulate", ds.count(), o.quiet);
      r = sim::simulate_cycle(
          a, w, with_progress(sim::engine_source(net, ds, ds.count(), nullptr), prog));
      prog.done();
      source =
          fmt::format("engine ({} mode) on {} {} x {}", o.numerics, o.data, o.split, ds.count());
    } else {
      r = sim::simulate_cycle(
          a, w, sim::synthetic_source(w, o.rate, o.seed, std::max<size_t>(o.limit, 1)));
      source =
          fmt::format("SYNTHETIC Bernoulli spikes, rate {} per layer, seed {} (shape-only model)",
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
      source =
          fmt::format("firing statistics from the trace {} ({} samples)", o.trace, tr.samples());
    } else if (!spec.weights.empty()) {
      Network net = load_network(spec, parse_mode(o.numerics));
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
  out.json = r.activity.to_json();
  out.json["source"] = source;
  if (o.silicon) {
    out.silicon = evaluate_silicon(a, r.activity, *tech, o.styles, o.quiet);
    out.json["silicon"] = phys::to_json(out.silicon);
  }
  return out;
}

}  // namespace ss::cli
