// The physical model against the open flow (issue 14, part 3): the flow-realization constants
// are fitted on se_array 2x2 and 3x3 (src/phys/flow_model.h); every other stored se_array point
// (4x4, 5x5, ... in 2d, 3d-mol, 3d-lol) is predicted and must agree within 10 % on cell area,
// wirelength and power at the flow's clock, 15 % on fmax. The table this prints is the one in
// docs/validation.md (between the flow-validation markers); a row there that no longer matches
// the stored results fails here.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/files.h"
#include "fixtures.h"
#include "phys/component_model.h"
#include "phys/flow_model.h"
#include "tech/logic.h"

namespace ss::phys {
namespace {

const std::vector<std::string> kFitOn = {"se_array_2x2", "se_array_3x3"};

const tech::Technology& osu() {
  static const auto t = tech::load_technology(testing::tech_path("osu018"));
  return t;
}
// The stored results of one design (results/flow/<prefix>*.json), read once per prefix, each
// at its median over the placements stored for it (results/flow/seeds/, scripts/flow/seeds.py):
// the flow's layout quantities move with graywolf's seed (docs/validation.md, "The flow's own
// spread"), and the model is checked against the layout, not one draw of it.
const std::string kFlowDir = std::string(SS_SOURCE_DIR) + "/results/flow";
const std::vector<FlowPoint>& stored(const std::string& prefix) {
  static std::map<std::string, std::vector<FlowPoint>> cache;
  auto it = cache.find(prefix);
  if (it == cache.end()) {
    std::vector<FlowPoint> ps;
    for (const auto& p : load_flow_points(kFlowDir, prefix))
      ps.push_back(seed_median(p, kFlowDir + "/seeds"));
    it = cache.emplace(prefix, std::move(ps)).first;
  }
  return it->second;
}
// se_array only: the flow model sizes hw/se_array.v; other designs' results (tiny_mac, the SE
// tile with macros, ...) are not read, so a schema they add cannot break this check.
const std::vector<FlowPoint>& points() { return stored("se_array_"); }
const FlowFit& fit() {
  static const auto f = fit_flow(points(), kFitOn, osu());
  return f;
}

bool held_out(const FlowPoint& p) {
  return p.top == "se_array" && p.macros == 0 &&
         std::find(kFitOn.begin(), kFitOn.end(), p.name) == kFitOn.end();
}

double err_pct(double model, double flow) { return 100 * (model / flow - 1); }

std::string row(const FlowPoint& p, const FlowPrediction& m) {
  return fmt::format(
      "| {} | {} | {:.0f} / {:.0f} ({:+.1f} %) | {:.1f} / {:.1f} ({:+.1f} %) | "
      "{:.2f} / {:.2f} ({:+.1f} %) | {:.2f} / {:.2f} ({:+.1f} %) | {:.0f} / {:.0f} ({:+.1f} %) |",
      p.name, p.style, m.cell_area_um2, p.cell_area_um2, err_pct(m.cell_area_um2, p.cell_area_um2),
      m.wirelength_um / 1e3, p.wirelength_um / 1e3, err_pct(m.wirelength_um, p.wirelength_um),
      m.switching_w * 1e3, p.switching_w * 1e3, err_pct(m.switching_w, p.switching_w),
      m.total_w * 1e3, p.total_w * 1e3, err_pct(m.total_w, p.total_w), m.fmax_mhz, p.fmax_mhz,
      err_pct(m.fmax_mhz, p.fmax_mhz));
}

// The rows of a markdown table between two markers of a document.
std::set<std::string> doc_rows(const std::string& begin, const std::string& end) {
  const auto doc = read_file_text(std::string(SS_SOURCE_DIR) + "/docs/validation.md");
  const auto b = doc.find(begin), e = doc.find(end);
  std::set<std::string> rows;
  if (b == std::string::npos || e == std::string::npos) return rows;
  std::istringstream in(doc.substr(b, e - b));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("| ", 0) == 0 && line.find("---") == std::string::npos &&
        line.find("| point |") == std::string::npos &&
        line.find("| block |") == std::string::npos && line.find("| tile |") == std::string::npos)
      rows.insert(line);
  return rows;
}

// seed_median by hand on copies of a stored point: seed 1 at its stored wire w, runs at 0.9 w
// and 1.3 w: the median is w; a fourth at 1.1 w: (w + 1.1 w) / 2 = 1.05 w. What synthesis fixes
// (cells, area) is seed 1's, and a run of another netlist is an error naming its file.
TEST(FlowValidation, SeedMedianByHand) {
  const auto base_file = kFlowDir + "/se_unit_2x2-2d.json";
  const auto p = load_flow_point(base_file);
  const auto dir =
      std::filesystem::temp_directory_path() /
      fmt::format("ss-seed-median-{}", ::testing::UnitTest::GetInstance()->random_seed());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto base = nlohmann::json::parse(read_file_text(base_file));
  auto put = [&](int seed, double wire_scale, double fmax, int cells) {
    auto j = base;
    j["seed"] = seed;
    j["wirelength"]["total_um"] = p.wirelength_um * wire_scale;
    j["timing"]["fmax_mhz"] = fmax;
    j["cells"]["count"] = cells;
    write_file_atomic((dir / fmt::format("se_unit_2x2-2d-s{}.json", seed)).string(), j.dump());
  };
  const int n = static_cast<int>(p.cells);
  put(2, 0.9, 100, n);
  put(3, 1.3, 400, n);
  auto m = seed_median(p, dir.string());
  EXPECT_EQ(m.seeds, 3);
  EXPECT_NEAR(m.wirelength_um, p.wirelength_um, 1e-9 * p.wirelength_um);
  EXPECT_DOUBLE_EQ(m.fmax_mhz, p.fmax_mhz);  // 100 < stored < 400
  EXPECT_DOUBLE_EQ(m.cells, p.cells);
  put(4, 1.1, 500, n);
  m = seed_median(p, dir.string());
  EXPECT_EQ(m.seeds, 4);
  EXPECT_NEAR(m.wirelength_um, 1.05 * p.wirelength_um, 1e-9 * p.wirelength_um);
  EXPECT_DOUBLE_EQ(m.fmax_mhz, 0.5 * (p.fmax_mhz + 400));
  EXPECT_EQ(seed_median(p, (dir / "none").string()).seeds, 1);
  put(5, 1.0, 200, n + 1);
  try {
    seed_median(p, dir.string());
    ADD_FAILURE() << "a run of another netlist was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("se_unit_2x2-2d-s5.json"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

// The points with more than one placement stored: the flow's own spread, and the model against
// seed 1 alone and against the median (docs/validation.md, "The flow's own spread").
TEST(FlowValidation, SeedSpreadForTheRecord) {
  std::vector<std::string> rows;
  for (const auto* prefix : {"se_array_", "se_unit_"})
    for (const auto& m : stored(prefix)) {
      if (m.seeds < 2) continue;
      const auto p = load_flow_point(m.file);
      const auto u =
          m.top == "se_unit" ? predict_unit(m, fit(), osu()).all : predict_flow(m, fit(), osu());
      rows.push_back(fmt::format(
          "| {} | {} | {} | {:.1f} / {:.1f} | {:+.1f} / {:+.1f} % | {:.0f} / {:.0f} | "
          "{:+.1f} / {:+.1f} % | {:.2f} / {:.2f} | {:+.1f} / {:+.1f} % |",
          m.name, m.style, m.seeds, p.wirelength_um / 1e3, m.wirelength_um / 1e3,
          err_pct(u.wirelength_um, p.wirelength_um), err_pct(u.wirelength_um, m.wirelength_um),
          p.fmax_mhz, m.fmax_mhz, err_pct(u.fmax_mhz, p.fmax_mhz), err_pct(u.fmax_mhz, m.fmax_mhz),
          p.total_w * 1e3, m.total_w * 1e3, err_pct(u.total_w, p.total_w),
          err_pct(u.total_w, m.total_w)));
    }
  std::cout << "| point | style | placements | wirelength, seed 1 / median (mm) | model against "
               "them | fmax (MHz) | model | total power (mW) | model |\n"
               "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) std::cout << r << "\n";
  const auto doc = doc_rows("<!-- seed-spread:begin -->", "<!-- seed-spread:end -->");
  EXPECT_EQ(doc, std::set<std::string>(rows.begin(), rows.end()))
      << "docs/validation.md's seed-spread table no longer matches the stored runs (paste the "
         "table printed above between its seed-spread markers)";
}

TEST(FlowValidation, FitUsesOnlyTheNamedPoints) {
  const auto& f = fit();
  EXPECT_EQ(f.fitted_on, kFitOn);
  // Printed so that docs/validation.md can quote them.
  std::cout << fmt::format(
      "fit on {}: comb mapping {:.3f}, fanout area {:.4f}, mean cell {:.2f} um2, nets/cell "
      "{:.4f}, net length factor {:.3f}, clock wire factor {:.3f}, wire {:.4f} fF/um, data pins "
      "{:.2f} fF/cell, internal {:.4f} pJ per flip-flop and cycle, carry {:.1f} ps/bit, cut "
      "nets/cell {:.4f}\n",
      fmt::join(f.fitted_on, ", "), f.comb_mapping, f.fanout_area, f.mean_cell_um2, f.nets_per_cell,
      f.net_length_factor, f.clock_wire_factor, f.wire_ff_per_um, f.data_pin_ff_per_cell,
      f.ff_internal_j * 1e12, f.carry_delay_per_bit_s * 1e12, f.cut_nets_per_cell);
  // Every constant is a positive ratio or per-unit quantity.
  for (double x :
       {f.comb_mapping, f.fanout_area, f.mean_cell_um2, f.nets_per_cell, f.net_length_factor,
        f.clock_wire_factor, f.wire_ff_per_um, f.data_pin_ff_per_cell, f.ff_internal_j,
        f.carry_delay_per_bit_s, f.cut_nets_per_cell})
    EXPECT_GT(x, 0);
}

// The flip-flops the model builds for se_array 4x4 (LANES 2, WEIGHT_BITS 8, PSUM_BITS 16,
// META_BITS 8), counted by hand from hw/se_array.v and hw/se_pe.v: 16 PEs x (2 x 16 partial
// sums + 2 x 8 weight banks) = 768; 12 PEs (not the east column, whose outputs go nowhere) x
// (2 spikes + valid + bank) = 48; skew rows 1..3 of 1, 2, 3 stages x (2 + 2) bits = 24; the
// valid line 7 and the tag line 7 x 8 = 56: 903. Yosys keeps 882 (-2.3 %): it also merges
// registers that hold the same delayed copy of in_valid_i / in_bank_i (the skew's and the PEs'
// valid bits repeat the valid line's stages).
TEST(FlowValidation, FlipFlopsAsTheRtlBuildsThem) {
  FlowPoint p;
  p.top = "se_array";
  p.params = {{"ROWS", 4}, {"COLS", 4}};
  const auto d = se_array_design(p);
  const auto b = flow_block(d, osu());
  EXPECT_DOUBLE_EQ(b.clocked_bits + b.gated_clock_bits + rtl_only_flip_flops(d), 903.0);
}

TEST(FlowValidation, HeldOutPointsAgreeWithTheFlow) {
  const auto& f = fit();
  std::vector<std::string> rows;
  int checked = 0;
  for (const auto& p : points()) {
    if (!held_out(p)) continue;
    const auto m = predict_flow(p, f, osu());
    rows.push_back(row(p, m));
    ++checked;
    SCOPED_TRACE(p.name + " " + p.style);
    EXPECT_LE(std::abs(err_pct(m.cell_area_um2, p.cell_area_um2)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.wirelength_um, p.wirelength_um)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.total_w, p.total_w)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.fmax_mhz, p.fmax_mhz)), 15.0);
  }
  EXPECT_GE(checked, 3);  // se_array 4x4 in three styles at least
  std::cout
      << "| point | style | cell area, model / flow (um^2) | wirelength (mm) | "
         "net switching (mW) | total power (mW) | fmax (MHz) |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) std::cout << r << "\n";
  // The 3D change against 2D of the same point, model and flow.
  std::cout << "\n| point | style | wirelength vs 2D, model / flow | net switching | total power | "
               "fmax | bonds |\n|---|---|---|---|---|---|---|\n";
  for (const auto& p : points()) {
    if (!held_out(p) || p.style == "2d") continue;
    const FlowPoint* base = nullptr;
    for (const auto& q : points())
      if (q.name == p.name && q.style == "2d") base = &q;
    ASSERT_NE(base, nullptr) << p.name;
    const auto m = predict_flow(p, f, osu()), m2 = predict_flow(*base, f, osu());
    const auto d = [](double a, double b) { return err_pct(a, b); };
    const auto r = fmt::format(
        "| {} | {} | {:+.1f} % / {:+.1f} % | {:+.1f} % / {:+.1f} % | {:+.1f} % / {:+.1f} % | "
        "{:+.1f} % / {:+.1f} % | {:.0f} / {:.0f} |",
        p.name, p.style, d(m.wirelength_um, m2.wirelength_um),
        d(p.wirelength_um, base->wirelength_um), d(m.switching_w, m2.switching_w),
        d(p.switching_w, base->switching_w), d(m.total_w, m2.total_w), d(p.total_w, base->total_w),
        d(m.fmax_mhz, m2.fmax_mhz), d(p.fmax_mhz, base->fmax_mhz), m.bonds, p.bonds);
    rows.push_back(r);
    std::cout << r << "\n";
  }
  // Every row docs/validation.md shows must still be what the stored results give.
  const auto doc = doc_rows("<!-- flow-validation:begin -->", "<!-- flow-validation:end -->");
  EXPECT_FALSE(doc.empty());
  for (const auto& r : doc)
    EXPECT_TRUE(std::find(rows.begin(), rows.end(), r) != rows.end())
        << "docs/validation.md row no longer matches the stored flow results (paste the tables "
           "printed above between its flow-validation markers, and re-read its text):\n"
        << r;
}

// The fitted points themselves, for the record (not a validation).
TEST(FlowValidation, FittedPointsForTheRecord) {
  for (const auto& p : points())
    if (p.top == "se_array" && !held_out(p) && p.macros == 0)
      std::cout << row(p, predict_flow(p, fit(), osu())) << "\n";
}

}  // namespace
}  // namespace ss::phys

namespace ss::phys {
namespace {

// Issue 12, item 4: the synthesized area of each RTL block (results/flow/synth_blocks.json,
// written by scripts/flow/synth_blocks.py) beside the block model's area for the same block
// sizes and library. The model is not fitted here: "model" is its liberty-primitive cell area;
// for se_array the flow fit's mapping (x 1.537 on the combinational part, fitted on the
// hierarchical 2x2 / 3x3 layouts) is shown as well. docs/validation.md explains each gap.
std::string params_text(const std::map<std::string, int>& prm) {
  std::string s;
  for (const auto& [k, v] : prm) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, v);
  return s;
}

TEST(FlowValidation, SynthesizedBlocksBesideTheModel) {
  const auto path = std::string(SS_SOURCE_DIR) + "/results/flow/synth_blocks.json";
  const auto j = nlohmann::json::parse(read_file_text(path));
  const auto& t = osu();
  const double dff_um2 = t.logic.dff_area_m2 * 1e12;
  std::vector<std::string> rows;
  for (const auto& r : j.at("rows")) {
    if (r.at("status") != "ok") continue;
    const std::string block = r.at("block");
    std::map<std::string, int> prm;
    for (const auto& [k, v] : r.at("params").items()) prm[k] = v.get<int>();
    auto get = [&](const char* k, int dflt) { return prm.count(k) ? prm.at(k) : dflt; };
    arch::Arch a;
    a.file = path;
    a.name = block;
    a.se.count = 0, a.attention.count = 0;
    std::string name, impl, note;
    double model_um2 = 0, model_ff = 0, mapped_um2 = -1;
    if (block == "se_array") {
      FlowPoint p;
      p.top = "se_array";
      p.params = prm;
      const auto d = se_array_design(p);
      const auto b = flow_block(d, t);
      model_ff = b.clocked_bits + b.gated_clock_bits + rtl_only_flip_flops(d);
      model_um2 = b.cell_area_m2 * 1e12 + rtl_only_flip_flops(d) * dff_um2;
      mapped_um2 = model_ff * dff_um2 +
                   (b.cell_area_m2 * 1e12 - (b.clocked_bits + b.gated_clock_bits) * dff_um2) *
                       fit().comb_mapping;
    } else {
      if (block == "attention_core") {
        // hw/attention_core.v: OUT_W = SCORE_BITS + clog2(COLS + 1) bit sums.
        const int cols = get("COLS", 4);
        a.score_bits = get("SCORE_BITS", 8);
        a.acc_bits = a.score_bits + static_cast<int>(std::ceil(std::log2(cols + 1)));
        a.attention = {"attention_array", 1, get("ROWS", 4), cols, get("LANES", 2),
                       arch::Tier::bottom};
        name = "attention_cores", impl = "attention_array";
      } else if (block == "bus") {
        a.noc = {"bus", get("WIDTH", 64), get("LATENCY", 1)};
        name = "noc", impl = "bus";
      } else if (block == "router_topk") {
        // hw/router_topk.v: ACC_W 32-bit score sums, SCORE_W 64-bit scores.
        a.acc_bits = 32, a.score_bits = 64;
        a.router = {"topk", get("LANES", 1), arch::Tier::bottom};
        name = "router", impl = "topk";
      } else if (block.rfind("glb", 0) == 0) {
        const int banks = get("BANKS", 2), width = get("WIDTH", 32), depth = get("DEPTH", 256);
        a.buffers["weight"] = {
            "weight",          "sram", static_cast<double>(width) * depth, width, banks, 1,
            arch::Tier::bottom};
        name = "buffers.weight", impl = "sram";
      } else {
        continue;
      }
      const auto b =
          component_model(impl, path, name).build({a, t, name, impl, arch::Tier::bottom});
      model_um2 = b.cell_area_m2 * 1e12;
      model_ff = b.clocked_bits + b.gated_clock_bits;
      // A buffer's logic outside its bit cells (decode, sense, bank select, read mux) is the
      // model's per-macro overhead; synthesis leaves the macros black boxes.
      if (b.sram) model_um2 = b.sram->banks * t.sram.macro_overhead_area_m2 * 1e12;
    }
    const double synth_um2 = r.at("area_um2").get<double>();
    const int macros = r.at("macros").get<int>();
    if (macros > 0) prm["macros"] = macros;
    const auto row = fmt::format(
        "| {} | {} | {} | {} / {:.0f} | {:.0f} | {:.0f} | {} | {:+.0f} % |", block,
        r.at("arch").get<std::string>(), params_text(prm), r.at("flip_flops").get<int>(), model_ff,
        synth_um2, model_um2,
        mapped_um2 >= 0
            ? fmt::format("{:.0f} ({:+.0f} %)", mapped_um2, 100 * (mapped_um2 / synth_um2 - 1))
            : std::string("-"),
        100 * (model_um2 / synth_um2 - 1));
    (void)macros;
    rows.push_back(row);
  }
  std::cout << "| block | arch | parameters | flip-flops, synthesis / model | synthesized "
               "area (um^2) | model area (um^2) | model with the flow's mapping | model vs "
               "synthesis |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) std::cout << r << "\n";
  EXPECT_GE(rows.size(), 3u);
  const auto doc = doc_rows("<!-- synth-table:begin -->", "<!-- synth-table:end -->");
  EXPECT_FALSE(doc.empty());
  for (const auto& r : doc)
    EXPECT_TRUE(std::find(rows.begin(), rows.end(), r) != rows.end())
        << "docs/validation.md synthesis row no longer matches results/flow/synth_blocks.json "
           "(paste the table printed above between its synth-table markers, and re-read its "
           "explanations):\n"
        << r;
}

}  // namespace
}  // namespace ss::phys

#include "phys/flow_carried.h"

namespace ss::phys {
namespace {

// The constants the 28 nm model carries from the flow are the fit on 2x2 and 3x3 (to the
// digits written in src/phys/flow_carried.h).
TEST(FlowValidation, CarriedConstantsAreTheFit) {
  const auto& f = fit();
  const auto& t = osu();
  EXPECT_NEAR(kNetLengthPerDavisMean, f.net_length_factor_placed, 5e-4);
  EXPECT_NEAR(kGateEquivalentsPerCell, f.mean_cell_um2 / (t.logic.nand2_area_m2 * 1e12), 5e-4);
  EXPECT_NEAR(kDataPinLoadPerCellC0, f.data_pin_ff_per_cell / (t.driver.c0_f * 1e15), 5e-3);
  EXPECT_NEAR(kClockWirePerSteiner, f.clock_wire_factor, 5e-4);
  const auto mf = fit_mol(stored("se_tile_"), {"se_tile_2x2"}, f.wire_ff_per_um);
  EXPECT_NEAR(kMemoryNetDepthPerLogicSide, mf.kappa, 5e-4);
  EXPECT_NEAR(kMemoryNetBondedPitches, mf.rho_pitches, 5e-3);
}

}  // namespace
}  // namespace ss::phys

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace ss::phys {
namespace {

// A result the model cannot read is one error naming the file and the key.
TEST(FlowValidation, BadResultNamesFileAndKey) {
  const auto dir = std::filesystem::temp_directory_path() / "ss_flow_bad_result";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "se_array_9x9-2d.json").string();
  std::ofstream(path) << R"({"schema": "spikestack.flow.point/1", "complete": true,
    "name": "se_array_9x9", "style": "2d", "design": {"top": "se_array", "params": {}},
    "cells": {"area_um2": 1}})";
  try {
    load_flow_point(path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": cells.count: missing"), std::string::npos)
        << e.what();
  }
  std::ofstream(path) << R"({"schema": "spikestack.flow.point/1", "complete": false})";
  try {
    load_flow_point(path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("complete"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ss::phys

namespace ss::phys {
namespace {

// Memory-on-logic against the flow (issue 14, part 3): the SE tile (the array fed by its
// weight buffer as one macro) in 2d (macro fixed beside the logic, --macro-place edge) and
// 3d-mol (Macro-3D). kappa, rho, iota are fitted on se_tile 2x2 only; every other stored tile
// is predicted from its 2D row and must agree within 10 % on wirelength, total power and
// footprint, 15 % on fmax. The memory wire itself (the mechanism) is printed beside the
// flow's; docs/validation.md quotes the table (between the mol-validation markers).
const std::vector<std::string> kMolFitOn = {"se_tile_2x2"};

const std::vector<FlowPoint>& tiles() { return stored("se_tile_"); }

TEST(FlowValidation, MemoryOnLogicHeldOutTiles) {
  const auto mf = fit_mol(tiles(), kMolFitOn, fit().wire_ff_per_um);
  std::cout << fmt::format(
      "mol fit on {}: kappa {:.3f} (2D memory net: halo + kappa x logic height), rho {:.2f} gate "
      "pitches (3d-mol memory net), iota {:.3f}, wire {:.4f} fF/um\n",
      fmt::join(mf.fitted_on, ", "), mf.kappa, mf.rho_pitches, mf.iota, mf.wire_ff_per_um);
  EXPECT_GT(mf.kappa, 0);
  EXPECT_GT(mf.rho_pitches, 0);
  std::vector<std::string> rows;
  int checked = 0;
  for (const auto& p : tiles()) {
    if (p.style != "2d" || std::find(kMolFitOn.begin(), kMolFitOn.end(), p.name) != kMolFitOn.end())
      continue;
    const FlowPoint* q = nullptr;
    for (const auto& x : tiles())
      if (x.name == p.name && x.style == "3d-mol") q = &x;
    if (!q) continue;
    const auto m = predict_mol(p, mf, osu());
    ++checked;
    SCOPED_TRACE(p.name);
    EXPECT_LE(std::abs(err_pct(m.wirelength_3d_um, q->wirelength_um)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.total_3d_w, q->total_w)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.footprint_3d_um2, q->footprint_um2)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.footprint_2d_um2, p.footprint_um2)), 10.0);
    EXPECT_LE(std::abs(err_pct(m.fmax_3d_mhz, q->fmax_mhz)), 15.0);
    rows.push_back(fmt::format(
        "| {} | {:.2f} / {:.2f} ({:+.1f} %) | {:.2f} / {:.2f} ({:+.1f} %) | {:.1f} / {:.1f} "
        "({:+.1f} %) | {:.0f} / {:.0f} ({:+.1f} %) | {:.3f} / {:.3f} ({:+.1f} %) | {:.0f} / {:.0f} "
        "|",
        p.name, m.memory_wire_2d_um / 1e3, p.memory_wire_um / 1e3,
        err_pct(m.memory_wire_2d_um, p.memory_wire_um), m.memory_wire_3d_um / 1e3,
        q->memory_wire_um / 1e3, err_pct(m.memory_wire_3d_um, q->memory_wire_um),
        m.wirelength_3d_um / 1e3, q->wirelength_um / 1e3,
        err_pct(m.wirelength_3d_um, q->wirelength_um), m.footprint_3d_um2, q->footprint_um2,
        err_pct(m.footprint_3d_um2, q->footprint_um2), m.total_3d_w * 1e3, q->total_w * 1e3,
        err_pct(m.total_3d_w, q->total_w), m.fmax_3d_mhz, q->fmax_mhz));
  }
  EXPECT_GE(checked, 1);  // se_tile 3x3 at least
  std::cout << "| tile | 2D memory wire, model / flow (mm) | 3d-mol memory wire (mm) | 3d-mol "
               "wirelength (mm) | 3d-mol footprint (um^2) | 3d-mol total power (mW) | 3d-mol "
               "fmax (MHz) |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) std::cout << r << "\n";
  const auto doc = doc_rows("<!-- mol-validation:begin -->", "<!-- mol-validation:end -->");
  EXPECT_FALSE(doc.empty());
  for (const auto& r : doc)
    EXPECT_TRUE(std::find(rows.begin(), rows.end(), r) != rows.end())
        << "docs/validation.md memory-on-logic row no longer matches the stored flow results "
           "(paste the table printed above between its mol-validation markers):\n"
        << r;
}

// A buffer shared by two arrays (se_tile_x2: one weight macro, every read bit a weight-bank
// input of one PE in each array): its own kappa and rho, for the record beside the private
// bank's (se_tile 2x2), when the flow has stored both styles. Not a fit used anywhere.
TEST(FlowValidation, SharedBufferMemoryWireForTheRecord) {
  bool both = false;
  for (const auto& p : tiles())
    if (p.name == "se_tile_x2_2x2" && p.style == "3d-mol") both = true;
  if (!both) GTEST_SKIP() << "se_tile_x2_2x2 not stored";
  const auto own = fit_mol(tiles(), {"se_tile_x2_2x2"}, fit().wire_ff_per_um);
  const auto priv = fit_mol(tiles(), kMolFitOn, fit().wire_ff_per_um);
  // The bonded memory net against the size of the logic it feeds: mean 3d-mol memory net /
  // sqrt(the 2D row's logic die area).
  auto per_side = [&](const std::string& name) {
    const FlowPoint *p2 = nullptr, *p3 = nullptr;
    for (const auto& p : tiles()) {
      if (p.name == name && p.style == "2d") p2 = &p;
      if (p.name == name && p.style == "3d-mol") p3 = &p;
    }
    return p3->memory_wire_um / p3->memory_nets /
           std::sqrt(p2->logic_die_width_um * p2->logic_die_height_um);
  };
  std::cout << fmt::format(
      "se_tile_x2_2x2 (shared): kappa {:.3f}, rho {:.2f} gate pitches, bonded net / logic side "
      "{:.3f}; se_tile_2x2 (private): kappa {:.3f}, rho {:.2f}, bonded net / logic side {:.3f}\n",
      own.kappa, own.rho_pitches, per_side("se_tile_x2_2x2"), priv.kappa, priv.rho_pitches,
      per_side("se_tile_2x2"));
  EXPECT_GT(own.rho_pitches, 0);
}

// The memory-on-logic model by hand on a made-up 2D tile: 10 memory nets, 4 io nets, gate
// pitch 5 um, halo 10 um, logic 200 x 100 um, macro 150 x 150 um; kappa 0.3, rho 4, iota 0.2:
// L_3d = 20 um per net (200 um), L_2d = 20 + 10 + 30 = 60 um (600 um), io 4 x (10 + 40) =
// 200 um; removed 600 - 200 + 200 = 600 um; footprint 2D max(200, 150) x (100 + 10 + 150) =
// 52000, 3D max(20000, 22500) = 22500 um^2; power: 1.8^2 x 1e8 x 0.5 x 0.1 x (600 x 0.1 fF -
// 10 x bond C).
TEST(FlowValidation, MemoryOnLogicByHand) {
  FlowPoint p;
  p.file = "made-up", p.name = "tile", p.style = "2d";
  p.memory_nets = 10, p.io_nets = 4, p.gate_pitch_um = 5, p.halo_um = 10;
  p.logic_die_width_um = 200, p.logic_die_height_um = 100, p.macro_area_um2 = 22500;
  p.macro_row_width_um = 150, p.macro_height_um = 150;
  p.wirelength_um = 5000, p.clock_mhz = 100, p.activity = 0.1, p.switching_w = 1e-3;
  p.total_w = 2e-3, p.fmax_mhz = 300;
  MolFit f;
  f.kappa = 0.3, f.rho_pitches = 4, f.iota = 0.2, f.wire_ff_per_um = 0.1;
  const auto m = predict_mol(p, f, osu());
  EXPECT_DOUBLE_EQ(m.memory_wire_3d_um, 200);
  EXPECT_DOUBLE_EQ(m.memory_wire_2d_um, 600);
  EXPECT_DOUBLE_EQ(m.io_wire_2d_um, 200);
  EXPECT_DOUBLE_EQ(m.wirelength_3d_um, 4400);
  EXPECT_DOUBLE_EQ(m.footprint_2d_um2, 52000);
  EXPECT_DOUBLE_EQ(m.footprint_3d_um2, 22500);
  const double dp = 1.8 * 1.8 * 1e8 * 0.5 * 0.1 * (600 * 0.1e-15 - 10 * osu().bond.c_f);
  EXPECT_NEAR(m.total_3d_w, 2e-3 - dp, 1e-12);
  EXPECT_DOUBLE_EQ(m.fmax_3d_mhz, 300);
  p.style = "3d-mol";
  EXPECT_THROW(predict_mol(p, f, osu()), Error);
}

}  // namespace
}  // namespace ss::phys

namespace ss::phys {
namespace {

// Logic-on-logic as the seed partitions it (docs/physical.md, finding 8) against the flow's SE
// unit (scripts/flow/designs/se_unit.v: se_array with per-column accumulators, LIF lanes and
// membranes behind it; 3d-lol: the array on the bottom tier, the rest on top). Nothing is fitted
// on the unit: the se_array fit (2x2, 3x3) and the model's "lif" block predict every stored
// unit point; cell area (total and per tier), wirelength and total power within 10 %, fmax
// within 15 %. The bonds (the model's partial-sum link against the flow's cut nets) are printed
// and explained in docs/validation.md, not bounded.
const std::vector<FlowPoint>& units() { return stored("se_unit_"); }

// Where the prediction (made before the flow stored any unit point) misses the issue's bound,
// with the reason (docs/validation.md, "Logic-on-logic ... against the open flow"). A miss not
// listed here fails, and so does a listed one that is no longer a miss: the list and the
// document must follow the results, in both directions.
const std::set<std::string> kUnitKnownMisses = {
    // Empty since the layouts are compared at their median over graywolf seeds (seed_median;
    // docs/validation.md, "The flow's own spread"). Until then six entries stood here: the 2D
    // (and macro-less 3d-mol) wirelength of se_unit 2x2 (-10.1 %) and 3x3 (-13.0 %) and the 3x3
    // 2D fmax (+15.5 %), each against the seed-1 layout, which was the longest-wired of the
    // placements stored since (and at 3x3 the slowest).
};

void check(const FlowPoint& p, const std::string& what, double model, double flow, double bound) {
  const std::string key = p.name + " " + p.style + " " + what;
  const double e = std::abs(err_pct(model, flow));
  if (kUnitKnownMisses.count(key))
    EXPECT_GT(e, bound) << key << " is inside the bound now: take it off kUnitKnownMisses and "
                        << "update docs/validation.md";
  else
    EXPECT_LE(e, bound) << key;
}

TEST(FlowValidation, LogicOnLogicUnitAgainstTheFlow) {
  const auto& f = fit();
  std::vector<std::string> rows, tiers;
  int checked = 0, lol = 0;
  for (const auto& p : units()) {
    const auto u = predict_unit(p, f, osu());
    const auto& m = u.all;
    rows.push_back(row(p, u.all));
    ++checked;
    SCOPED_TRACE(p.name + " " + p.style);
    check(p, "cell area", m.cell_area_um2, p.cell_area_um2, 10.0);
    check(p, "wirelength", m.wirelength_um, p.wirelength_um, 10.0);
    check(p, "total power", m.total_w, p.total_w, 10.0);
    check(p, "fmax", m.fmax_mhz, p.fmax_mhz, 15.0);
    if (p.style != "3d-lol") continue;
    ++lol;
    // The partition: the array below, the spike generators and their state above.
    check(p, "bottom tier cell area", u.bottom_cell_area_um2, p.bottom_area_um2, 10.0);
    check(p, "top tier cell area", u.top_cell_area_um2, p.top_area_um2, 10.0);
    tiers.push_back(fmt::format(
        "| {} | {:.0f} / {:.0f} ({:+.1f} %) | {:.0f} / {:.0f} ({:+.1f} %) | {:.0f} / {:.0f} | "
        "{:.0f} / {:.0f} | {:.1f} / {:.1f} | {:.1f} / {:.1f} | {:.1f} | {:.2f} / {:.2f} |",
        p.name, u.bottom_cell_area_um2, p.bottom_area_um2,
        err_pct(u.bottom_cell_area_um2, p.bottom_area_um2), u.top_cell_area_um2, p.top_area_um2,
        err_pct(u.top_cell_area_um2, p.top_area_um2), u.top_flip_flops, p.top_flip_flops, m.bonds,
        p.bonds, u.wire_bottom_um / 1e3, p.bottom_wire_um / 1e3, u.wire_top_um / 1e3,
        p.top_wire_um / 1e3, u.link_wire_um / 1e3, p.top_power_w * 1e3, p.bottom_power_w * 1e3));
  }
  std::cout
      << "| point | style | cell area, model / flow (um^2) | wirelength (mm) | "
         "net switching (mW) | total power (mW) | fmax (MHz) |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) std::cout << r << "\n";
  std::cout
      << "\n| point | bottom tier cell area, model / flow (um^2) | top tier | top flip-flops, "
         "model / flow | bonds, model (partial sums, valid, tag) / flow (cut nets) | wire of the "
         "bottom "
         "tier's blocks, model / flow wire driven there (mm) | top tier | model partial-sum "
         "link, partial sums, valid, tag (mm) | flow tier power, top / bottom (mW) "
         "|\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : tiers) std::cout << r << "\n";
  EXPECT_GE(checked, 2);
  EXPECT_GE(lol, 1);
  const auto doc = doc_rows("<!-- lol-validation:begin -->", "<!-- lol-validation:end -->");
  EXPECT_FALSE(doc.empty());
  for (const auto& r : doc)
    EXPECT_TRUE(std::find(rows.begin(), rows.end(), r) != rows.end() ||
                std::find(tiers.begin(), tiers.end(), r) != tiers.end())
        << "docs/validation.md logic-on-logic row no longer matches the stored flow results "
           "(paste the tables printed above between its lol-validation markers):\n"
        << r;
}

// The fire compare is the tree abc builds (docs/validation.md: 6 levels after the add's top bit
// on the routed se_unit 3x3 path, 24 bits), not a ripple of one stage per bit; the 28 nm
// tech::comparator has the same depth: one carry stage and ceil(log2 n) AND-OR stages.
TEST(FlowValidation, CompareIsATree) {
  EXPECT_EQ(compare_tree_levels(1), 1);
  EXPECT_EQ(compare_tree_levels(2), 2);
  EXPECT_EQ(compare_tree_levels(24), 6);
  EXPECT_EQ(compare_tree_levels(32), 6);
  EXPECT_EQ(compare_tree_levels(33), 7);
  const auto t28 = tech::load_technology(testing::tech_path("28nm"));
  const auto& l = t28.logic;
  for (int n : {8, 24, 32, 64})
    EXPECT_NEAR(tech::comparator(l, n).delay_s,
                l.fa_carry_delay_s + (compare_tree_levels(n) - 1) * l.and2_delay_s, 1e-15)
        << n << " bits";
  // The unit's LIF path, 24-bit membrane: the compare adds 6 stages to the 25-bit add, so the
  // path is 31 carry-delay stages (the ripple compare made it 49).
  FlowPoint p;
  p.file = "made-up", p.top = "se_unit", p.name = "se_unit_2x2", p.style = "2d";
  p.params = {{"ROWS", 2}, {"COLS", 2}};
  p.density_target = 0.6, p.clock_mhz = 100, p.activity = fit().activity;
  const auto u24 = predict_unit(p, fit(), osu());
  p.params["MEM_W"] = 32;
  const auto u32 = predict_unit(p, fit(), osu());
  // Eight more carry stages, and every stage's wire: the wider lanes' own nets are longer.
  EXPECT_EQ(u32.lif_path_stages - u24.lif_path_stages, 8);
  EXPECT_GT(u32.lif_path_net_um, u24.lif_path_net_um);
  EXPECT_NEAR(
      u32.lif_path_ns - u24.lif_path_ns,
      8 * fit().carry_delay_per_bit_s * 1e9 + fit().stage_wire_s_per_um * 1e9 *
                                                  (u32.lif_path_stages * u32.lif_path_net_um -
                                                   u24.lif_path_stages * u24.lif_path_net_um),
      1e-9);
  std::cout << fmt::format(
      "LIF path: MEM_W 24 {:.3f} ns ({:.0f} MHz), MEM_W 32 {:.3f} ns ({:.0f} MHz)\n",
      u24.lif_path_ns, u24.all.fmax_mhz, u32.lif_path_ns, u32.all.fmax_mhz);
}

// The predictions for the sizes the flow runs, printed before any of them was stored (the
// flow's inputs: density 0.6, 100 MHz, activity 0.1).
TEST(FlowValidation, UnitPredictionsForTheRecord) {
  for (int n : {2, 3})
    for (const char* style : {"2d", "3d-lol"}) {
      FlowPoint p;
      p.file = "made-up", p.top = "se_unit", p.name = fmt::format("se_unit_{}x{}", n, n);
      p.style = style, p.params = {{"ROWS", n}, {"COLS", n}};
      p.density_target = 0.6, p.clock_mhz = 100, p.activity = fit().activity;
      const auto u = predict_unit(p, fit(), osu());
      std::cout << fmt::format(
          "{} {}: flip-flops {:.0f} (top {:.0f}), cells {:.0f}, cell area {:.0f} um2 (bottom "
          "{:.0f}, top {:.0f}), wire {:.1f} mm (partial-sum link {:.2f} mm), net switching "
          "{:.2f} mW, total {:.2f} mW, fmax {:.0f} MHz (PE path {:.2f} ns, LIF path {:.2f} ns, "
          "{} stages driving {:.1f} um each), bonds {:.0f}\n",
          p.name, style, u.all.flip_flops, u.top_flip_flops, u.all.cells, u.all.cell_area_um2,
          u.bottom_cell_area_um2, u.top_cell_area_um2, u.all.wirelength_um / 1e3,
          u.link_wire_um / 1e3, u.all.switching_w * 1e3, u.all.total_w * 1e3, u.all.fmax_mhz,
          u.pe_path_ns, u.lif_path_ns, u.lif_path_stages, u.lif_path_net_um, u.all.bonds);
    }
}

}  // namespace
}  // namespace ss::phys

#include "phys/energy.h"
#include "phys/timing.h"

namespace ss::phys {
namespace {

// The wire on a path (issue 14, part 3; src/phys/flow_carried.h). The delay per um a stage
// gains is the minimum inverter's FO4 / (5 C0) x the fit's extracted c x 0.692; what the flow
// measured on se_array 2x2 and 3x3, the same path folded against 2D
// (scripts/phys/path_wire.py), is 0.2162 and 0.2120 ps/um: their mean, to 1 %.
TEST(FlowValidation, WireOnThePath) {
  const auto& f = fit();
  EXPECT_NEAR(f.stage_wire_s_per_um * 1e12, 0.5 * (0.2162 + 0.2120), 0.01 * 0.2141);
  // se_array 4x4, 2D against 3d-lol: the PE path's 19 stages (Q, bank mux, 16 carry stages,
  // lane mux) each drive 1.861 x the mean routed net (wire / nets) of the style's layout.
  FlowPoint p;
  p.file = "made-up", p.top = "se_array", p.name = "se_array_4x4", p.style = "2d";
  p.params = {{"ROWS", 4}, {"COLS", 4}};
  p.density_target = 0.6, p.clock_mhz = 100, p.activity = f.activity;
  const auto m2 = predict_flow(p, f, osu());
  p.style = "3d-lol";
  const auto m3 = predict_flow(p, f, osu());
  const double net2 = m2.wirelength_um / (m2.cells * f.nets_per_cell);
  const double net3 = m3.wirelength_um / (m3.cells * f.nets_per_cell);
  EXPECT_NEAR(net3 / net2, 1 / std::sqrt(2.0), 1e-9);
  EXPECT_NEAR(1e-6 / m2.fmax_mhz - 1e-6 / m3.fmax_mhz,
              19 * f.stage_wire_s_per_um * 1.861 * (net2 - net3), 1e-15);
  EXPECT_GT(m3.fmax_mhz, m2.fmax_mhz);
}

// The same at 28 nm (timing.cpp): a logic block's path stages each drive 1.861 x its mean
// routed net (1.437 x the Davis mean x the placed pitch) on local metal, at 0.692 x FO4 / (5 C0)
// per farad; a folded block's pitch, and so this wire, is 1/sqrt(2) of it; a memory has none.
TEST(FlowValidation, WireOnThePathAt28nm) {
  const auto t = tech::load_technology(testing::tech_path("28nm"));
  Block b;
  b.name = "made-up", b.kind = BlockKind::logic, b.rent = kArrayRent;
  b.gates = 1.621e5, b.cell_area_m2 = 1e5 * 0.5e-12, b.logic_path_stages = 8;
  const double cells = 1e5;
  const double pitch = std::sqrt(b.cell_area_m2 / t.logic.utilization / cells);
  const double net = 1.861 * 1.437 * DavisDistribution(cells, kArrayRent).average_length() * pitch;
  const double per_m =
      0.692 * t.logic.fo4_delay_s / (5 * t.driver.c0_f) * t.wire("local").c_f_per_m;
  EXPECT_NEAR(internal_net_length_m(b, t) * 1.861, net, 1e-12 * net) << "net";
  EXPECT_NEAR(path_stage_wire_s(b, t), 8 * per_m * net, 1e-15);
  Block folded = b;
  folded.cell_area_m2 *= 0.5;
  EXPECT_NEAR(path_stage_wire_s(folded, t) / path_stage_wire_s(b, t), std::sqrt(0.5), 1e-12);
  b.kind = BlockKind::memory;
  EXPECT_EQ(path_stage_wire_s(b, t), 0.0);
  std::cout << fmt::format(
      "28 nm: {} stages of a 1e5-cell array block: {:.1f} ps of path wire "
      "({:.2f} um per net)\n",
      8, 8 * per_m * net * 1e12, net * 1e6);
}

}  // namespace
}  // namespace ss::phys
