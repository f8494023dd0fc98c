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
