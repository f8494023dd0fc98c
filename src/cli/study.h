// The study `spikestack run` performs, as the paper did: a trained model on real data through
// the engine (both numerics), the accelerator simulated cycle by cycle on the int-mode spikes,
// the physical model for every integration style, assembled into one report document.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "phys/evaluate.h"
#include "cli/progress.h"
#include "sim/activity.h"
#include "sim/simulate.h"
#include "tech/technology.h"

namespace ss::cli {

struct StudyOptions {
  std::string model, data = "fashion-mnist", data_root;
  std::string arch, tech;           // files; default: the paper arch and 28 nm
  std::vector<std::string> styles;  // empty: every registered style but "arch"
  std::vector<std::string> sets;    // "key=value": architecture keys first, then technology keys
  size_t samples = 0;               // test images for accuracy and firing rates (0 = all)
  size_t sim_samples = 200;         // of those, simulated cycle by cycle (0 = all)
  unsigned threads = 0;
  bool quiet = false;
};

struct Study {
  nlohmann::json report;  // schema spikestack.report/1 (docs/report.md)
  sim::Activity activity;
  std::vector<phys::SiliconResult> silicon;
  arch::Arch arch;
};

Study run_study(const StudyOptions& o);

// "a,b,c" -> {"a", "b", "c"}; "" -> {}.
std::vector<std::string> split_list(const std::string& csv);
// --styles "2d,3d-mol" -> names, each a registered style and none twice; "" -> {} (every
// default style). Anything else is a usage error (exit 2), found before any work.
std::vector<std::string> parse_styles(const std::string& csv);
// An output directory that can be created or written: an existing file in its place or an
// unwritable parent is an ss::Error before any work.
void check_output_dir(const std::string& dir);
// A sample source that ticks a progress bar per sample.
sim::SampleSource with_progress(sim::SampleSource src, Progress& p);
// The technology file with overrides applied (keys must exist in the file).
tech::Technology load_tech(const std::string& path, const std::vector<std::string>& sets);

// The physical model for every style, from an activity: shared by `sim` and `run`, so both
// print the same numbers for the same inputs.
std::vector<phys::SiliconResult> evaluate_silicon(const arch::Arch& a, const sim::Activity& act,
                                                  const tech::Technology& t,
                                                  const std::vector<std::string>& styles,
                                                  bool quiet);

}  // namespace ss::cli
