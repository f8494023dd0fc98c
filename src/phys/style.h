// Integration styles: presets over the architecture's tier assignment (2D, 3D memory-on-logic,
// 3D logic-on-logic, both, or the arch file's own tiers). Each registers itself by name.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/arch_spec.h"

namespace ss::phys {

class Style {
 public:
  virtual ~Style() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  virtual std::string label()
      const = 0;                     // what people read in tables and charts ("3D memory-on-logic")
  virtual int order() const = 0;     // position in comparison tables (2D first)
  virtual bool stacked() const = 0;  // two face-to-face tiers
  // Tier of an architecture block: "se_cores", "attention_cores", "spike_gen", "router",
  // "noc" or "buffers.<role>".
  virtual arch::Tier tier_of(const std::string& block, const arch::Arch& a) const = 0;
  // Gate-level fold (Shrunk-2D, as our open flow measures it): the block's cells are spread over
  // both tiers, half its area on each, stacked on itself; its planar lengths shrink by
  // 1/sqrt(2) and its cut nets become bonds. Block-level styles fold nothing.
  virtual bool folds(const std::string& /*block*/, const arch::Arch& /*a*/) const { return false; }
};

bool register_style(std::function<std::unique_ptr<Style>()> make);
const Style& style(const std::string& name);  // throws ss::Error listing the known names
std::vector<std::string> style_names();       // in table order
// The styles a comparison runs by default (all registered except "arch").
std::vector<std::string> default_style_names();

}  // namespace ss::phys
