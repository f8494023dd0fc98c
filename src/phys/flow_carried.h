// Quantities measured on our open flow (docs/flow.md) that carry from osu018 (0.18 um) to
// another node because they are ratios or lengths in pitches, not absolute capacitances or
// delays. Each was fitted on se_array 2x2 and 3x3 only (2D; FlowValidation.
// CarriedConstantsAreTheFit recomputes them from results/flow and checks these values);
// the node's own constants (wire c per um, minimum-inverter C0, utilization, cell areas)
// re-price them (docs/physical.md, "What carries from the flow to 28 nm").
#pragma once

namespace ss::phys {

// Routed length of a net / the Davis mean point-to-point length of its block (Rent p of the
// block kind), in pitches of the placed area sqrt(block area / cells): the Steiner sharing of
// multi-sink nets and routing detours. 2x2: 1.40, 3x3: 1.47.
inline constexpr double kNetLengthPerDavisMean = 1.437;
// Cells per NAND2 gate equivalent of cell area: osu018's mean placed cell (38.90 um^2) over
// its NAND2X1 (24 um^2); the netlist's cell mix (flip-flops, XNORs, AOIs, buffers), which a
// 28 nm library maps to a similar mix.
inline constexpr double kGateEquivalentsPerCell = 1.621;
// Input-pin capacitance on a cell's output net (its data sinks), in minimum-inverter input
// capacitances C0: 32.35 fF / osu018 INVX1's 9.32 fF (mean fan-out 2.0 sinks of ~1.9 C0).
inline constexpr double kDataPinLoadPerCellC0 = 3.47;
// Clock-tree wire / the Beardwood-Halton-Hammersley Steiner length 0.7124 sqrt(N_ff A) over
// the placed area: the buffered tree's detours. 2x2: 1.27, 3x3: 1.49.
inline constexpr double kClockWirePerSteiner = 1.383;
// Nets with cells on both tiers of a Shrunk-2D fold (PE rows below, banks and control above),
// per cell: 2x2 0.097, 3x3 0.092 (it falls with size: 4x4 0.080, an upper bound there).
inline constexpr double kCutNetsPerCell = 0.0948;

// The wire on a register-to-register path (issue 14, part 3), measured on the critical paths of
// se_array 2x2 and 3x3 (`python3 scripts/phys/path_wire.py se_array_2x2-2d se_array_2x2-3d-lol
// se_array_3x3-2d se_array_3x3-3d-lol`: OpenSTA's worst path, the routed length of the net each
// of its cells drives, from the DEF). Not recomputable from results/flow (the per-net data
// stay in the flow's work directories), so FlowValidation checks only their use.
// The nets a path's cells drive / the layout's mean routed net: 2x2 1.501 (57.1 / 38.0 um),
// 3x3 2.220 (97.8 / 44.1 um), 2D. A path's nets are the block's multi-sink ones (mean fan-out
// 3.2 against 2.1), longer than its mean net.
inline constexpr double kPathNetPerMeanNet = 1.861;
// The delay a path gains per unit of wire capacitance on the nets its cells drive, / the
// minimum inverter's FO4 / (5 C0) (its delay per unit load, the form technology.cpp derives R0
// from). Measured as the same cells and netlist folded (3d-lol) against 2D: path delay change /
// change of the wire its cells drive: 2x2 0.0360 ns over 166.5 um (0.2162 ps/um), 3x3 0.0600 ns
// over 283.0 um (0.2120 ps/um), against osu018's 123 ps / (5 x 9.32 fF) x 0.1174 fF/um (the
// fit's extracted c) = 0.3097 ps/um: 0.698 and 0.685. A path's cells (AOI/OAI X1, buffers X4,
// inverters X8) drive their wire a little harder than INVX1 alone would.
inline constexpr double kPathWirePerMinDriver = 0.692;

// Memory-on-logic, fitted on se_tile 2x2 only (the array fed by its weight buffer as one macro,
// 2d with the macro at the logic's edge vs 3d-mol; src/phys/flow_model.h MolFit;
// FlowValidation.CarriedConstantsAreTheFit checks these digits, MemoryOnLogicHeldOutTiles the
// larger tiles). A memory net of a macro beside its logic runs, beyond the halo, this share of
// the logic's side across the macro's edge (its sinks are spread over the whole block):
inline constexpr double kMemoryNetDepthPerLogicSide = 0.835;
// ... and with the macro pin a bond above its sinks, this routed length in gate pitches (each
// read-data bit of se_tile feeds one PE's weight banks: a net with sinks spread over the block,
// as tiny_mac_sram's, stays long in 3D too).
inline constexpr double kMemoryNetBondedPitches = 3.75;

}  // namespace ss::phys
