// The physical model on the open flow's design points (docs/flow.md): the same block model
// (src/phys/models, chosen by the arch's impl name) and technology (technologies/osu018.toml)
// sized as a flow point (se_array ROWS x COLS with hw/se_array.v's parameters), predicting what
// the flow measures: cell area, wirelength, power at the flow's clock and activity (internal /
// net switching / leakage), fmax, in 2D and in the flow's pseudo-3D styles. The constants that
// say how our synthesis, placement and routing realize a block are fitted on named flow points
// (`fit_flow`) and never on the points the model is checked against (docs/validation.md).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "phys/block.h"
#include "tech/technology.h"

namespace ss::phys {

// One stored flow result (results/flow/*.json, schema spikestack.flow.point/1): the fields the
// model predicts or is fitted on.
struct FlowPoint {
  std::string file, name, style, top;
  std::map<std::string, int> params;  // the design's Verilog parameters as the flow set them
  double cells = 0, cell_area_um2 = 0, synthesized_area_um2 = 0, flip_flops = 0;
  double die_um2 = 0, footprint_um2 = 0, density_target = 0, gate_pitch_um = 0;
  double wirelength_um = 0, nets = 0, sinks = 0;
  double wire_ff = 0, pin_ff = 0;
  double clock_wire_um = 0, clock_buffers = 0;
  double period_ns = 0, fmax_mhz = 0;
  double internal_w = 0, switching_w = 0, leakage_w = 0, total_w = 0;
  double activity = 0, clock_mhz = 0;
  double bonds = 0;
  int macros = 0;
  // Designs with macros (results since the memory-net fields were added; 0 when absent): nets
  // with a macro pin (2d) or a bond terminal (3d-mol), and design inputs feeding a macro
  // directly ('io'); the logic die of a 2d point placed with --macro-place edge.
  double memory_nets = 0, memory_wire_um = 0, io_nets = 0, io_wire_um = 0;
  double macro_area_um2 = 0, halo_um = 0, logic_die_width_um = 0, logic_die_height_um = 0;
  double macro_row_width_um = 0, macro_height_um = 0;  // the macros side by side (2d, edge)
  double die_width_um = 0, die_height_um = 0;
  // 3d-lol: per tier (3d.tiers; 0 when absent) cell area, flip-flops and power.
  double top_area_um2 = 0, bottom_area_um2 = 0, top_flip_flops = 0, bottom_flip_flops = 0;
  double top_power_w = 0, bottom_power_w = 0, top_wire_um = 0, bottom_wire_um = 0;
  int seeds = 1;  // placements the layout quantities are the median of (seed_median)
};

// Reads one result; a missing or mistyped field is one ss::Error naming the file and the key.
FlowPoint load_flow_point(const std::string& path);
// Every result in a directory whose file name starts with `prefix` (e.g. "se_array_"), sorted
// by file name; the synthesis table (synth_blocks*.json) is not a design point.
std::vector<FlowPoint> load_flow_points(const std::string& dir, const std::string& prefix = "");

// A placement is one draw of graywolf's annealing: scripts/flow/seeds.py reruns a stored point
// with other seeds into `seeds_dir` (<name>-<style>-s<k>.json). The point with every quantity a
// seed can move (wire, capacitance, clock tree, fmax, power, per-tier wire and power, memory
// nets) replaced by its median over p (seed 1) and those runs, and `seeds` set to their number;
// p itself when there are none (a 3d-mol point without macros, which is its 2d layout, takes the
// 2d runs). The runs must be the same netlist: a cell count or cell area that differs from p's
// is an ss::Error naming the run's file.
FlowPoint seed_median(const FlowPoint& p, const std::string& seeds_dir);

// The design a flow point built, in the architecture's terms (hw/se_array.v's parameters; the
// defaults are that file's when the flow did not set them).
struct FlowDesign {
  int rows = 4, cols = 4, lanes = 2, weight_bits = 8, psum_bits = 16, meta_bits = 8;
};
FlowDesign se_array_design(const FlowPoint& p);

// How our flow realizes a block model's netlist, measured on named points (2D, and 3d-lol for
// the cut nets). Each is a ratio or a per-unit quantity of the flow, not of the architecture.
struct FlowFit {
  std::vector<std::string> fitted_on;  // "se_array_2x2", ...
  double activity = 0;  // toggles per cycle of the fitted points' data nets (internal energy)
  // Synthesis: yosys/abc's combinational area per unit of the model's combinational area
  // (liberty primitives: full adders, muxes), at the flow's delay target.
  double comb_mapping = 1;
  // blifFanout: placed cell area / synthesized cell area (buffers and inverters added).
  double fanout_area = 1;
  double mean_cell_um2 = 0;  // placed cell area per cell (= the flow's gate pitch squared)
  double nets_per_cell = 0;
  // Routed length per net / the Davis mean point-to-point length at the block's Rent exponent
  // (in gate pitches): the Steiner sharing of multi-sink nets and the rows' detours.
  double net_length_factor = 0;
  // The same in pitches of the placed area, sqrt(die / cells) (the form that carries to a block
  // placed at another utilization: src/phys/flow_carried.h).
  double net_length_factor_placed = 0;
  // Clock wire / the Beardwood-Halton-Hammersley Steiner length 0.7124 sqrt(N A) over the die.
  double clock_wire_factor = 0;
  double wire_ff_per_um = 0;        // extracted wire capacitance per routed um (layer mix)
  double data_pin_ff_per_cell = 0;  // sink pin capacitance of data nets per cell
  // Internal energy: per flip-flop and clock cycle (its clock buffer's share included), and
  // per cell and output transition of the data nets (least squares over the fitted points).
  double ff_internal_j = 0, cell_internal_j = 0;
  // The PE's ripple carry as abc maps it at a loose delay target: the register-to-register
  // path minus the liberty's clk->Q, muxes and setup and minus the wire its stages drive (below),
  // per accumulator bit: a stage's own delay.
  double carry_delay_per_bit_s = 0;
  // The wire on a path (issue 14, part 3): every stage of a register-to-register path drives a
  // net of kPathNetPerMeanNet x the mean routed net of the block it runs in (the style's: folded
  // in 3d-lol), each um of it adding stage_wire_s_per_um = kPathWirePerMinDriver x FO4 / (5 C0)
  // x the extracted wire c (src/phys/flow_carried.h: both measured on se_array 2x2 and 3x3).
  double stage_wire_s_per_um = 0;
  double cut_nets_per_cell = 0;  // 3d-lol: nets with cells on both tiers, per cell
};

struct FlowPrediction {
  std::string name, style;
  double flip_flops = 0, cells = 0, cell_area_um2 = 0, die_um2 = 0, footprint_um2 = 0;
  double wirelength_um = 0, clock_wire_um = 0;
  double internal_w = 0, switching_w = 0, leakage_w = 0, total_w = 0;
  double fmax_mhz = 0;
  double bonds = 0;
};

// The block model of the point's design (st_systolic, sized as the flow's se_array).
Block flow_block(const FlowDesign& d, const tech::Technology& t);
// Flip-flops of hw/se_array.v beyond the block model: the caller's tag travelling with each
// vector (meta_bits x (rows + cols - 1)); the model's arrays have no tag.
double rtl_only_flip_flops(const FlowDesign& d);

// Fits the constants on `points` (2D points of se_array; 3d-lol points of the same names give
// the cut nets); throws when a point is missing.
FlowFit fit_flow(const std::vector<FlowPoint>& points, const std::vector<std::string>& names,
                 const tech::Technology& osu018);
// The model's prediction for `p`'s design, style, clock and activity.
FlowPrediction predict_flow(const FlowPoint& p, const FlowFit& fit, const tech::Technology& osu018);

// Logic-on-logic as the seed partitions it (docs/physical.md, finding 8), on the flow's SE unit
// (scripts/flow/designs/se_unit.v): se_array with, behind each column, the ping-pong exact
// accumulators (two entries of `lanes` acc_w-bit sums), a LIF lane (the model's "lif"
// component, one lane per column) and the membranes it keeps (two per column). The array is
// the bottom tier, the spike generators with their accumulator and membrane state the top;
// the partial sums (cols x lanes x psum_bits) cross the bonds.
struct UnitDesign {
  int rows = 2, cols = 2, lanes = 2, weight_bits = 8, psum_bits = 16, acc_w = 20, mem_w = 24;
  int meta_bits = 3;  // the unit's tag through the array: token parity, first, last
};
UnitDesign se_unit_design(const FlowPoint& p);

struct UnitPrediction {
  FlowPrediction all;
  // Per tier (3d-lol; in 2d the same split of the one die): placed cell area and flip-flops.
  double top_cell_area_um2 = 0, bottom_cell_area_um2 = 0, top_flip_flops = 0;
  double psum_link_bits = 0;  // the model's cross-tier link: the array's partial-sum port
  double link_wire_um = 0;    // the partial-sum wire (fused link: half the lane group's side)
  double wire_bottom_um = 0, wire_top_um = 0;  // each block's own nets (Davis), styled
  double lif_path_ns = 0, pe_path_ns = 0;
  // The net each stage of those paths drives (kPathNetPerMeanNet x the block's mean routed net,
  // styled), and the number of stages that drive one.
  double lif_path_net_um = 0, pe_path_net_um = 0;
  int lif_path_stages = 0, pe_path_stages = 0;
};
// The model of the unit with the fit of se_array (fit_flow): the array as predict_flow sizes it;
// the LIF lanes from the "lif" component model (its accumulator SRAM left out: acc_entries 0);
// the accumulator and membrane registers of the unit (flip-flops at this size: 2 entries per
// column) and their read-modify-write adders and read multiplexers from the same liberty
// primitives; combinational area x the fit's mapping, x its fanout area. Wire: each block's
// Davis mean at its own Rent exponent (array 0.5, lif 0.6) x the fit's length factor, plus the
// link between the blocks at the model's fused-link length (the lane group abuts its array: half
// the lane group's side): every bit that leaves a column towards its lane, the partial sums
// (lanes x psum_bits), the valid and the meta tag; 3d-lol x 1/sqrt(2) (Shrunk-2D: the flow folds
// both blocks), its bonds that link. fmax: the slower of the PE's path and the LIF lane's
// (accumulator read mux, membrane mux, the (mem_w + 1)-bit ripple add, then the mem_w-bit
// compare as a tree of compare_tree_levels(mem_w) gates, each stage at the fit's carry delay per
// bit, the reset mux), each stage also driving the wire of its block's path net (FlowFit).
// Logic levels of an n-bit magnitude compare as abc builds it (a tree, not a ripple): one
// bit-level stage (greater / equal per bit) and ceil(log2 n) levels merging (greater, equal)
// pairs; 6 for 24 bits (the flow's se_unit paths, docs/validation.md). tech::comparator has the
// same depth (carry stage + ceil(log2 n) AND-OR stages).
int compare_tree_levels(int bits);
UnitPrediction predict_unit(const FlowPoint& p, const FlowFit& fit, const tech::Technology& osu018);

// Memory-on-logic on a tile whose macro feeds its logic (the flow's se_tile: the array with
// its weight buffer as one macro). 2D (Macro-3D's reference, docs/flow.md): the macro sits
// beside the logic across a halo, its pins on the edge facing the logic, so a memory net runs
// the halo, then into the logic to its sinks. 3d-mol: the pin is a bond above its sinks. Per
// memory net:
//   L_3d = rho x gate pitch                      (the net's own spread among its sinks)
//   L_2d = L_3d + halo + kappa x H_logic         (H_logic: the logic's side across the edge)
// and a design input that feeds the macro directly runs from the logic's edge to the macro pin
// in 2D (iota x W_logic + halo per net) and is the bond itself in 3d-mol (0). kappa, rho, iota
// are fitted on named tiles (both styles) and carried to 28 nm as ratios (kappa, iota) and a
// length in gate pitches (rho).
struct MolFit {
  std::vector<std::string> fitted_on;
  double kappa = 0, rho_pitches = 0, iota = 0;
  double wire_ff_per_um = 0;  // the flow's extracted c per routed um (from the se_array fit)
};
MolFit fit_mol(const std::vector<FlowPoint>& points, const std::vector<std::string>& names,
               double wire_ff_per_um);

struct MolPrediction {
  std::string name;
  double memory_wire_2d_um = 0, memory_wire_3d_um = 0, io_wire_2d_um = 0;
  double wirelength_3d_um = 0;  // the 2D row's wire minus what the bonds remove
  // 2D: the slicing floorplan of a macro row above the logic across the halo (the strips
  // beside a narrower row are die area too); 3D: the larger of the logic and memory dies.
  double footprint_2d_um2 = 0, footprint_3d_um2 = 0;
  double switching_3d_w = 0, total_3d_w = 0;  // the 2D row's power minus the removed wire's
  double fmax_3d_mhz = 0;                     // unchanged: the memory path is not critical
};
// Predicts the 3d-mol row of the tile whose 2D row is `p2d` (its logic die, macro, nets and
// power are the model's inputs: the tile's logic beyond se_array has no block model).
MolPrediction predict_mol(const FlowPoint& p2d, const MolFit& fit, const tech::Technology& osu018);

// Shrunk-2D's geometric factor: two tiers share one footprint, so every planar length is
// 1/sqrt(2) of the 2D layout's (Panth et al., TCAD 2017); derived, not fitted.
inline constexpr double kFoldLengthRatio = 0.70710678118654752;

}  // namespace ss::phys
