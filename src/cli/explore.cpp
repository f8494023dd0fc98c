// `spikestack explore`: design-space exploration. A study (TOML file and/or flags) names models,
// axes over any architecture or technology key, integration styles, objectives and
// constraints; a strategy (grid, random, lhs, nsga2) picks the designs; each is evaluated
// analytically (activity + silicon in every style) and stored in SQLite, one row per design
// and style. Resumable, MPI-aware, exportable, reportable (docs/explore.md).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/inference.h"
#include "cli/progress.h"
#include "cli/study.h"
#include "common/error.h"
#include "common/files.h"
#include "engine/network.h"
#include "explore/comm.h"
#include "explore/idle.h"
#include "explore/nsga2.h"
#include "explore/runner.h"
#include "explore/space.h"
#include "explore/summary.h"
#include "report/explore_page.h"
#include "sim/workload.h"

namespace ss::cli {

namespace {

using namespace ss::explore;

struct ExploreOptions {
  std::string study_file, store = "explore.db";
  std::vector<std::string> models, axes, sets, constraints;
  std::string arch, tech, styles, objectives, strategy, thermal, name;
  double rate = -1;
  size_t images = 0, samples = 0, population = 0, generations = 0, batch = 1024;
  uint64_t seed = 0;
  bool seed_set = false;
  unsigned threads = 0;
  bool resume = false, json = false, quiet = false;
  std::string export_file, report_dir;
};

// A path written in a study file: as given if it exists, else next to the study file, else in
// the spikestack home (models/, configs/, technologies/).
std::string resolve(const std::string& p, const std::string& study_file) {
  namespace fs = std::filesystem;
  if (p.empty() || fs::path(p).is_absolute() || fs::exists(p)) return p;
  if (!study_file.empty()) {
    const auto beside = fs::path(study_file).parent_path() / p;
    if (fs::exists(beside)) return beside.string();
  }
  const auto home = home_path(p);
  return fs::exists(home) ? home : p;
}

StudySpec build_study(const ExploreOptions& o) {
  StudySpec s;
  if (!o.study_file.empty())
    s = load_study(o.study_file, [&](const std::string& p) { return resolve(p, o.study_file); });
  if (!o.name.empty()) s.name = o.name;
  for (const auto& m : o.models) {
    ModelChoice c;
    c.path = resolve(m, "");
    if (o.rate >= 0) c.rate = o.rate;
    if (o.images) c.samples = o.images;
    s.models.push_back(c);
  }
  if (o.rate >= 0 && o.models.empty())
    for (auto& m : s.models) m.rate = o.rate;
  if (s.models.empty() && o.study_file.empty()) {
    ModelChoice c;
    c.path = home_path("models/paper/moe-4-384.toml");
    if (o.rate >= 0) c.rate = o.rate;
    s.models.push_back(c);
  }
  if (!o.arch.empty()) s.arch = o.arch;
  if (!o.tech.empty()) s.tech = o.tech;
  if (s.arch.empty()) s.arch = home_path("configs/arch/paper.toml");
  if (s.tech.empty()) s.tech = home_path("technologies/28nm.toml");
  s.sets.insert(s.sets.end(), o.sets.begin(), o.sets.end());
  for (const auto& a : o.axes) s.axes.push_back(parse_axis(a));
  if (!o.styles.empty()) s.styles = parse_styles(o.styles);
  if (!o.objectives.empty()) s.objectives = split_list(o.objectives);
  s.constraints.insert(s.constraints.end(), o.constraints.begin(), o.constraints.end());
  if (!o.strategy.empty()) {
    const std::map<std::string, Strategy> m = {{"grid", Strategy::grid},
                                               {"random", Strategy::random},
                                               {"lhs", Strategy::lhs},
                                               {"nsga2", Strategy::nsga2}};
    s.strategy = m.at(o.strategy);
  }
  if (!o.thermal.empty())
    s.thermal = o.thermal == "full"     ? Thermal::full
                : o.thermal == "coarse" ? Thermal::coarse
                                        : Thermal::off;
  if (o.samples) s.samples = o.samples;
  if (o.population) s.population = o.population;
  if (o.generations) s.generations = o.generations;
  if (o.seed_set) s.seed = o.seed;
  check_study(s);
  return s;
}

LoadedModel load_model(const ModelChoice& c) {
  LoadedModel m;
  m.path = c.path;
  m.spec = ModelSpec::load(c.path);
  m.workload = sim::build_workload(m.spec);
  std::string bytes = read_file_text(c.path);
  if (!m.spec.weights.empty()) {
    bytes += hash_hex(read_file_text(m.spec.weights));
    // int mode (what the hardware runs): firing statistics and accuracy on the first
    // `samples` test images; again with another head-keep ratio when a point asks for one
    auto run_engine = [samples = c.samples](const ModelSpec& spec) {
      Network net = load_network(spec, Mode::Int);
      Dataset ds = load_model_data(spec, "fashion-mnist", "test", "", samples);
      Trace tr;
      size_t correct = 0;
      for (size_t i = 0; i < ds.count(); ++i)
        correct += net.run(ds.image(i), &tr).label == ds.labels[i];
      return std::make_pair(std::move(tr), double(correct) / double(std::max<size_t>(ds.count(), 1)));
    };
    auto [tr, acc] = run_engine(m.spec);
    m.accuracy = acc;
    m.engine = [spec = m.spec, run_engine, path = c.path](double keep) {
      ModelSpec s = spec;
      s.set_head_keep(keep, path, "mapping.head_keep");
      return run_engine(s);
    };
    const size_t n = tr.samples();
    m.trace = std::move(tr);
    m.source = fmt::format("firing statistics of the engine (int mode) on fashion-mnist test x {}",
                           n);
  } else {
    m.rate = c.rate;
    m.source = fmt::format("assumed firing rate {} for every layer (shape-only model)", c.rate);
  }
  m.hash = hash_hex(bytes);
  return m;
}

void write_outputs(const ExploreOptions& o, const Store& store, const Summary& sum) {
  if (!o.export_file.empty()) {
    const bool js =
        o.export_file.size() > 5 && o.export_file.substr(o.export_file.size() - 5) == ".json";
    write_file_atomic(o.export_file, js ? store.to_json().dump(1) + "\n" : store.to_csv());
  }
  if (!o.report_dir.empty()) {
    check_output_dir(o.report_dir);
    write_file_atomic(o.report_dir + "/index.html", report::render_explore_page(sum.page));
    write_file_atomic(o.report_dir + "/summary.json", sum.json.dump(1) + "\n");
  }
}

void print_summary(const ExploreOptions& o, const Summary& sum, double seconds, size_t evaluated,
                   size_t reused) {
  if (o.json) {
    nlohmann::json j = sum.json;
    j["seconds"] = seconds;
    j["evaluated"] = evaluated;
    j["reused"] = reused;
    std::cout << j.dump(1) << "\n";
  } else if (!o.quiet) {
    fmt::print(
        "{} designs, {} rows ({} failed to build, {} feasible); {} evaluated now, {} from the "
        "store; {:.2f} s\n",
        sum.designs, sum.rows, sum.failed, sum.feasible, evaluated, reused, seconds);
    std::cout << sum.text;
  }
}

void run(const ExploreOptions& o) {
  const bool defines_study = !o.study_file.empty() || !o.models.empty() || !o.axes.empty();
  if (!defines_study) {  // an existing store: export and/or report
    if (o.export_file.empty() && o.report_dir.empty())
      throw CLI::ValidationError("explore",
                                 "give a study (a file, --model or --axis), or --export / --report "
                                 "with an existing --store");
    Store store = Store::read(o.store);
    const Summary sum = summarize(store);
    write_outputs(o, store, sum);
    print_summary(o, sum, 0, 0, 0);
    return;
  }
  const auto comm = make_comm();
  const bool root = comm->rank() == 0;
  const auto t0 = std::chrono::steady_clock::now();
  if (!root) {  // every rank checks the study the same way; only rank 0 says what is wrong
    try {
      StudySpec s = build_study(o);
      std::vector<LoadedModel> models;
      for (const auto& m : s.models) models.push_back(load_model(m));
      Evaluator ev(s, models);
      ev.validate();
      if (comm->serve(ev, o.threads)) return;
    } catch (const std::exception&) {
    }
    throw CLI::RuntimeError(kExitError);
  }
  StudySpec s = build_study(o);
  std::vector<LoadedModel> models;
  for (const auto& m : s.models) models.push_back(load_model(m));
  Evaluator ev(s, models);
  ev.validate();
  try {
    FileHashes h;
    std::vector<std::string> hashes;
    for (const auto& m : ev.models()) h.models[m.path] = m.hash, hashes.push_back(m.hash);
    h.arch = file_hash(s.arch);
    h.tech = file_hash(s.tech);
    h.version = "spikestack " SS_VERSION;
    hashes.push_back(h.arch);
    hashes.push_back(h.tech);
    const auto identity = study_identity(s, hashes);
    StoreHeader header{identity, {}, h.version};
    for (const auto& a : s.axes) header.axis_keys.push_back(a.key);
    Store store = o.resume ? Store::resume(o.store, identity) : Store::create(o.store, header);
    std::vector<Design> designs;
    size_t total = 0;
    if (s.strategy == Strategy::nsga2) {
      total = s.population * (s.generations + 1);
    } else {
      designs = designs_of(s);
      total = designs.size();
    }
    Progress prog(fmt::format("explore ({} rank{})", comm->size(), comm->size() > 1 ? "s" : ""),
                  total, o.quiet || o.json);
    RunOptions ro;
    ro.batch = o.batch;
    ro.threads = o.threads;
    ro.keep_results = s.strategy == Strategy::nsga2;
    ro.tick = [&](size_t n) { prog.tick(n); };
    Runner runner(ev, store, *comm, h, ro);
    if (s.strategy == Strategy::nsga2)
      run_nsga2(s, ev, runner);
    else
      (void)runner.run(designs);
    prog.done();
    comm->finish(true);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (size_t a : idle_axes(store.designs(), s.axes.size()))
      fmt::print(stderr,
                 "spikestack explore: warning: --axis {} moves nothing: designs that differ in it "
                 "only have equal results in every style\n",
                 s.axes[a].key);
    const Summary sum = summarize(store);
    write_outputs(o, store, sum);
    print_summary(o, sum, secs, runner.evaluated(), runner.reused());
    if (sum.feasible == 0)
      throw Error(
          fmt::format("{}: no design meets the constraints ({}; {} of {} points failed to build); "
                      "the store is complete",
                      o.store,
                      s.constraints.empty() ? std::string("none given")
                                            : fmt::format("{}", fmt::join(s.constraints, "; ")),
                      sum.failed, sum.rows));
  } catch (...) {
    comm->finish(false);
    throw;
  }
}

void add(CLI::App& app) {
  auto o = std::make_shared<ExploreOptions>();
  auto* c = app.add_subcommand(
      "explore", "Design-space exploration: many designs, 2D and 3D, stored and ranked");
  c->footer(
      "Examples:\n"
      "  spikestack explore --axis se_cores.count=1,2,4,8 --axis "
      "buffers.weight.size=256KiB..2MiB:x2 \\\n"
      "      --axis tech.bond.pitch=1um..10um:log:6 --store moe.db --report explore-report\n"
      "  spikestack explore configs/explore/paper-moe.toml --store moe.db     # a study file\n"
      "  spikestack explore configs/explore/paper-moe.toml --store moe.db --resume\n"
      "  spikestack explore --store moe.db --export moe.csv                    # an existing "
      "store\n"
      "  mpirun -np 4 spikestack explore configs/explore/paper-moe.toml --store moe.db\n"
      "Study files, axis syntax, objectives, constraints and the store's schema: docs/explore.md.");
  c->add_option("study", o->study_file, "Study file (TOML, docs/explore.md)")
      ->check(CLI::ExistingFile);
  c->add_option("--store", o->store, "Result store (SQLite)")->capture_default_str();
  c->add_flag("--resume", o->resume, "Continue the study in --store (skips stored points)");
  c->add_option("-m,--model", o->models,
                "Model file (repeatable; default the paper MoE, shape-only)");
  c->add_option("--rate", o->rate, "Firing rate of shape-only models (default 0.15)")
      ->check(fraction());
  c->add_option("--images", o->images, "Test images whose firing statistics a trained model uses")
      ->check(whole_number(100000, 1));
  c->add_option("-a,--arch", o->arch, "Architecture file (default configs/arch/paper.toml)");
  c->add_option("-t,--tech", o->tech, "Technology file (default technologies/28nm.toml)");
  c->add_option("--set", o->sets, "Fix a key for every point: dotted.key=value (repeatable)");
  c->add_option("--axis", o->axes,
                "An axis: key=v1,v2 | lo..hi | lo..hi:xF | lo..hi:log:N | lo..hi:lin:N | lo..hi:+S "
                "(repeatable)");
  c->add_option("--styles", o->styles, "Comma-separated integration styles (default: all)");
  c->add_option("--objectives", o->objectives,
                "Comma-separated objectives (default energy,latency)");
  c->add_option("--constraint", o->constraints,
                "metric <= value | metric >= value, with units (repeatable)");
  c->add_option("--strategy", o->strategy, "grid, random, lhs or nsga2")
      ->check(CLI::IsMember({"grid", "random", "lhs", "nsga2"}));
  c->add_option("--samples", o->samples, "Designs drawn by random / lhs")
      ->check(whole_number(1'000'000'000, 1));
  c->add_option("--population", o->population, "NSGA-II population (multiple of 4)")
      ->check(whole_number(100000, 8));
  c->add_option("--generations", o->generations, "NSGA-II generations")
      ->check(whole_number(100000, 1));
  c->add_option("--seed", o->seed, "Seed of random, lhs and nsga2")
      ->check(whole_number(UINT32_MAX))
      ->each([o](const std::string&) { o->seed_set = true; });
  c->add_option("--thermal", o->thermal, "full (16x16 grid, as sim), coarse (4x4) or off")
      ->check(CLI::IsMember({"full", "coarse", "off"}));
  c->add_option("--name", o->name, "Study name (stored)");
  c->add_option("-j,--threads", o->threads, "Threads per process (0 = all)")
      ->check(whole_number(kMaxThreads));
  c->add_option("--batch", o->batch, "Designs per committed batch")
      ->capture_default_str()
      ->check(whole_number(1'000'000, 1));
  c->add_option("--export", o->export_file,
                "Write every row as CSV (or JSON if the name ends in .json)");
  c->add_option("--report", o->report_dir,
                "Write the exploration page (index.html, summary.json) here");
  c->add_flag("--json", o->json, "Print the summary as JSON");
  c->add_flag("-q,--quiet", o->quiet, "No progress bar, no table");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(45, &add);

}  // namespace
}  // namespace ss::cli
