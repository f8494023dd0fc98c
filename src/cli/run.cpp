// `spikestack run`: the study of the paper in one command on the shipped default: a trained
// spiking MoE transformer on real images, the accelerator simulated cycle by cycle on its
// spikes, 2D and every 3D style evaluated in silicon, a comparison table and a report.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/study.h"
#include "common/error.h"
#include "common/files.h"
#include "report/report.h"

namespace ss::cli {
namespace {

struct RunOptions {
  StudyOptions study;
  std::string out = "report";
  std::string styles;
  bool json = false;
};

void run(RunOptions o) {
  o.study.styles = parse_styles(o.styles);
  check_output_dir(o.out);  // not after the whole study
  report::check_report_dir(o.out);
  if (o.json) o.study.quiet = true;
  Study st = run_study(o.study);
  auto written = report::write_report(st.report, o.out);
  if (o.json) {
    std::cout << st.report.dump(2) << "\n";
    return;
  }
  if (o.study.quiet) return;
  const auto& j = st.report;
  fmt::print("\nmodel {}  |  architecture {}  |  technology {}  |  {} images ({} simulated)\n",
             j["inputs"]["model"].get<std::string>(), j["inputs"]["architecture"].get<std::string>(),
             j["inputs"]["technology"].get<std::string>(), j["inputs"]["samples"].get<size_t>(),
             j["provenance"]["simulated_samples"].get<size_t>());
  fmt::print("accuracy: float {:.2f} %, int {:.2f} %\n\n", 100 * j["accuracy"]["float"].get<double>(),
             100 * j["accuracy"]["int"].get<double>());
  std::cout << phys::comparison_table(st.silicon);
  fmt::print("\nreport: {}\n", (std::filesystem::path(o.out) / "index.html").string());
}

void add(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* c = app.add_subcommand("run", "The whole study: engine, cycle simulation, 2D vs 3D silicon, report");
  c->footer(
      "Examples:\n"
      "  spikestack run                                  # shipped MoE model, paper arch, 28 nm\n"
      "  spikestack run -n 2000 --sim-samples 0          # 2000 images, all of them simulated\n"
      "  spikestack run -m models/semm-fmnist.toml --styles 2d,3d-mol\n"
      "  spikestack run --set se_cores.count=8 --set tech.bond.pitch=\"4 um\" --out r8\n"
      "Overrides: architecture keys as in docs/arch.md; technology keys prefixed 'tech.'\n"
      "(docs/technology.md). Outputs: <out>/index.html, report.json, CSV tables (docs/report.md).");
  c->add_option("-m,--model", o->study.model, "Model file (default: the shipped routed-MoE model)");
  c->add_option("-d,--data", o->study.data, "Data set")
      ->capture_default_str()
      ->check(CLI::IsMember(kDataSets));
  c->add_option("--data-root", o->study.data_root, "Directory of the data set files");
  c->add_option("-n,--samples", o->study.samples,
                "Test images for accuracy and firing rates (0 = all)")
      ->capture_default_str()
      ->check(whole_number(kMaxSamples));
  c->add_option("--sim-samples", o->study.sim_samples,
                "Of those, images simulated cycle by cycle (0 = all)")
      ->capture_default_str()
      ->check(whole_number(kMaxSamples));
  c->add_option("-a,--arch", o->study.arch, "Architecture file (default configs/arch/paper.toml)");
  c->add_option("-t,--tech", o->study.tech, "Technology file (default technologies/28nm.toml)");
  c->add_option("--styles", o->styles, "Comma-separated integration styles (default: all)");
  c->add_option("--set", o->study.sets, "Override a parameter: key=value (repeatable)");
  c->add_option("-j,--threads", o->study.threads, "Worker threads for the engine (0 = all cores)")
      ->check(whole_number(kMaxThreads));
  c->add_option("-o,--out", o->out, "Report directory")->capture_default_str();
  c->add_flag("--json", o->json, "Print the report document (JSON) instead of the table");
  c->add_flag("-q,--quiet", o->study.quiet, "Print nothing (the report is still written)");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(1, &add);

}  // namespace
}  // namespace ss::cli
