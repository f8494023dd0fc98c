// spikestack.Arch, spikestack.Technology, simulate() and silicon(): the simulator and the
// physical model, returning the same documents as `spikestack sim --json` as nested dicts.
#include <pybind11/stl.h>

#include "arch/arch_spec.h"
#include "bindings.h"
#include "cli/command.h"
#include "cli/simulation.h"
#include "cli/study.h"
#include "common/error.h"
#include "convert.h"
#include "phys/style.h"
#include "sim/activity.h"
#include "tech/technology.h"

namespace ss::py {

namespace {

// A file with its overrides, validated when made; simulate() and silicon() reload it the way
// the command line does.
struct ArchFile {
  std::string path;
  std::vector<std::string> sets;
  arch::Arch arch;
};
struct TechFile {
  std::string path;
  std::vector<std::string> sets;
  tech::Technology tech;
};

ArchFile arch_of(const pb::object& o) {
  if (o.is_none()) {
    const std::string p = cli::home_path("configs/arch/paper.toml");
    return {p, {}, arch::load_arch(p)};
  }
  if (pb::isinstance<ArchFile>(o)) return o.cast<ArchFile>();
  const auto p = o.cast<std::string>();
  return {p, {}, arch::load_arch(p)};
}

TechFile tech_of(const pb::object& o) {
  if (o.is_none()) {
    const std::string p = cli::home_path("technologies/28nm.toml");
    return {p, {}, cli::load_tech(p, {})};
  }
  if (pb::isinstance<TechFile>(o)) return o.cast<TechFile>();
  const auto p = o.cast<std::string>();
  return {p, {}, cli::load_tech(p, {})};
}

std::vector<std::string> prefixed(const std::vector<std::string>& sets, const std::string& pre) {
  std::vector<std::string> out;
  for (const auto& s : sets) out.push_back(pre + s);
  return out;
}

pb::object simulate(const std::string& model, const pb::object& arch, const pb::object& tech,
                    const std::string& mode, const std::string& numerics, const std::string& data,
                    const std::string& split, const std::string& data_root, size_t limit,
                    const std::string& spikes, const std::string& trace, double rate, uint64_t seed,
                    const std::vector<std::string>& styles, const std::vector<std::string>& sets,
                    bool silicon) {
  const ArchFile a = arch_of(arch);
  cli::SimRequest q;
  q.model = model, q.arch = a.path, q.mode = mode, q.numerics = numerics, q.data = data;
  q.split = split, q.data_root = data_root, q.limit = limit, q.spikes = spikes, q.trace = trace;
  q.rate = rate, q.seed = seed, q.silicon = silicon, q.quiet = true;
  q.styles = cli::parse_styles([&] {
    std::string csv;
    for (const auto& s : styles) csv += (csv.empty() ? "" : ",") + s;
    return csv;
  }());
  // the loaded objects' own overrides come first, then this call's
  q.sets = a.sets;
  if (silicon) {
    const TechFile t = tech_of(tech);
    q.tech = t.path;
    for (const auto& s : prefixed(t.sets, "tech.")) q.sets.push_back(s);
  }
  for (const auto& s : sets) q.sets.push_back(s);
  nlohmann::json j;
  {
    pb::gil_scoped_release free_python;
    j = cli::run_simulation(q).json;
  }
  return to_python(j);
}

pb::object silicon(const pb::object& activity, const pb::object& arch, const pb::object& tech,
                   const std::vector<std::string>& styles) {
  const ArchFile a = arch_of(arch);
  const TechFile t = tech_of(tech);
  for (const auto& s : styles) (void)phys::style(s);  // unknown style: an error naming it
  const auto json_mod = pb::module_::import("json");
  const nlohmann::json doc =
      nlohmann::json::parse(json_mod.attr("dumps")(activity).cast<std::string>());
  const sim::Activity act = sim::Activity::from_json(doc, "activity");
  nlohmann::json j;
  {
    pb::gil_scoped_release free_python;
    j = phys::to_json(cli::evaluate_silicon(a.arch, act, t.tech, styles, true));
  }
  return to_python(j);
}

}  // namespace

void bind_hardware(pb::module_& m) {
  pb::class_<ArchFile>(m, "Arch", "An architecture file (docs/arch.md) with overrides")
      .def(pb::init([](const std::string& path, const std::vector<std::string>& sets) {
             return ArchFile{path, sets, arch::load_arch(path, sets)};
           }),
           pb::arg("path"), pb::arg("sets") = std::vector<std::string>{})
      .def_property_readonly("name", [](const ArchFile& a) { return a.arch.name; })
      .def_property_readonly("path", [](const ArchFile& a) { return a.path; })
      .def_property_readonly("clock_hz", [](const ArchFile& a) { return a.arch.clock_hz; });
  pb::class_<TechFile>(m, "Technology", "A technology file (docs/technology.md) with overrides")
      .def(pb::init([](const std::string& path, const std::vector<std::string>& sets) {
             return TechFile{path, sets, cli::load_tech(path, sets)};
           }),
           pb::arg("path"), pb::arg("sets") = std::vector<std::string>{})
      .def_property_readonly("name", [](const TechFile& t) { return t.tech.name; })
      .def_property_readonly("path", [](const TechFile& t) { return t.path; })
      .def_property_readonly("node_nm", [](const TechFile& t) { return t.tech.node_m * 1e9; });
  m.def("styles", &phys::default_style_names, "integration styles evaluated by default");
  m.def("simulate", &simulate, pb::arg("model"), pb::arg("arch") = pb::none(),
        pb::arg("tech") = pb::none(), pb::arg("mode") = "cycle", pb::arg("numerics") = "int",
        pb::arg("data") = "fashion-mnist", pb::arg("split") = "test", pb::arg("data_root") = "",
        pb::arg("limit") = 8, pb::arg("spikes") = "", pb::arg("trace") = "", pb::arg("rate") = 0.1,
        pb::arg("seed") = 1, pb::arg("styles") = std::vector<std::string>{},
        pb::arg("sets") = std::vector<std::string>{}, pb::arg("silicon") = true,
        R"(`spikestack sim` as a function: the activity tree (nested dicts, schema
spikestack.activity/1) with "source" and, unless silicon=False, "silicon" (every style's
metrics). arch / tech: a path, an Arch / Technology, or None for the shipped defaults.)");
  m.def("silicon", &silicon, pb::arg("activity"), pb::arg("arch") = pb::none(),
        pb::arg("tech") = pb::none(), pb::arg("styles") = std::vector<std::string>{},
        R"(The physical model of an activity tree (simulate(..., silicon=False) or a saved
activity JSON) for every style: the document of schema spikestack.silicon/1.)");
}

}  // namespace ss::py
