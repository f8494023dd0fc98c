#include "arch/arch_spec.h"

#include "common/error.h"

namespace ss::arch {

const char* tier_name(Tier t) { return t == Tier::top ? "top" : "bottom"; }

const BufferSpec& Arch::buffer(const std::string& role) const {
  auto it = buffers.find(role);
  if (it == buffers.end()) throw error_at(file, "buffers." + role, "missing buffer");
  return it->second;
}

}  // namespace ss::arch
