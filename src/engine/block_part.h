// The replaceable halves of a transformer block (attention, feed-forward) as an interface
// whose implementations register themselves by (slot, type); the model file picks the type.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/values.h"

namespace ss {

class SafeTensors;

class BlockPart {
 public:
  virtual ~BlockPart() = default;
  // Runs on the block input x and adds the part's output into `residual`.
  virtual void forward(const Context& ctx, const Values& x, Values& residual) const = 0;
  // Spiking layers in execution order (full names, e.g. "blocks.0.attn.q").
  virtual std::vector<std::string> layer_names() const = 0;
};

struct PartArgs {
  const Context& ctx;
  const SafeTensors& w;
  std::string prefix;  // e.g. "blocks.0.attn"
  int block;
};
using PartFactory = std::unique_ptr<BlockPart> (*)(const PartArgs&);

// Static registration: `static RegisterPart reg("attention", "ssa", &make);`
struct RegisterPart {
  RegisterPart(const char* slot, const char* type, PartFactory f);
};
std::unique_ptr<BlockPart> make_part(const std::string& slot, const std::string& type,
                                     const PartArgs& a);
std::vector<std::string> registered_parts(const std::string& slot);

}  // namespace ss
