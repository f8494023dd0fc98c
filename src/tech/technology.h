// A technology: what a node's devices, memories, wires, bonds and package cost, loaded from a
// documented TOML file (technologies/*.toml, docs/technology.md) with every quantity typed.
// Knows nothing of spiking transformers or of any architecture.
#pragma once
#include <map>
#include <string>

#include "tech/bond.h"
#include "tech/logic.h"
#include "tech/scaling.h"
#include "tech/sram.h"
#include "tech/thermal_stack.h"
#include "tech/wire.h"

namespace ss::tech {

struct Technology {
  std::string file;
  std::string name;
  double node_m = 0;
  double vdd_v = 0;
  NodeScaling scaling;  // applied to the numbers quoted at [reference]
  LogicTech logic;
  SramTech sram;
  std::map<std::string, WireClass> wires;  // "local", "intermediate", "global" at least
  Driver driver;
  BondTech bond;
  ThermalStack thermal;

  const WireClass& wire(const std::string& cls) const;  // throws naming the file
  // An SRAM buffer of this node (src/tech/sram.h): local wordlines and bitlines, an
  // intermediate-metal H-tree, the node's driver and supply.
  SramMacro sram_macro(double capacity_bits, int width_bits, int banks) const;
};

Technology load_technology(const std::string& path);
Technology parse_technology(const std::string& text, const std::string& origin);

}  // namespace ss::tech
