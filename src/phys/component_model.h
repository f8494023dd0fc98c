// Physical models of architecture blocks, chosen by the arch's `impl` name. Each model lives
// in src/phys/models/ and registers itself; adding one never edits a central switch.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "phys/block.h"
#include "tech/technology.h"

namespace ss::phys {

// What a model is asked to build: the block's key in the architecture ("se_cores",
// "buffers.weight", ...), its impl name and its tier under the chosen style.
struct BlockRequest {
  const arch::Arch& arch;
  const tech::Technology& tech;
  std::string name;
  std::string impl;
  arch::Tier tier;
};

// Rent parameters (exponent p, terminals per gate k, fan-out) of block kinds: the example
// values of Davis, De, Meindl, IEEE TED 45(3) 1998 for random logic; arrays are more regular.
inline constexpr RentParams kLogicRent{0.6, 4, 3};
inline constexpr RentParams kArrayRent{0.5, 4, 3};

// A block of `units` identical clocked units (PEs, lanes, pipeline stages) of `unit_cell_m2`
// cell area and `unit_bits` flip-flops: placed area at the library's utilization, NAND2-
// equivalent gates, leakage, clock energy per bit and cycle. Callers add events and paths.
Block clocked_block(const BlockRequest& req, BlockKind kind, double units, double unit_cell_m2,
                    double unit_bits, const RentParams& rent);

class ComponentModel {
 public:
  virtual ~ComponentModel() = default;
  // Area, per-event energies, leakage, critical path of the block; throws ss::Error on an
  // architecture the model cannot build.
  virtual Block build(const BlockRequest& req) const = 0;
};

using ComponentFactory = std::function<std::unique_ptr<ComponentModel>()>;

// Registers a model under an impl name; returns true so it can initialize a static.
bool register_component_model(const std::string& impl, ComponentFactory f);
// The model for an impl name; throws ss::Error naming the arch file, the block and the known names.
const ComponentModel& component_model(const std::string& impl, const std::string& arch_file,
                                      const std::string& block);
std::vector<std::string> component_model_names();

}  // namespace ss::phys
