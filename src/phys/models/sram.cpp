// "sram": a global buffer as one SRAM macro of the arch's capacity, width and banks
// (src/tech/sram.h); energy per bit read/written, leakage per bit.
#include "common/error.h"
#include "phys/component_model.h"

namespace ss::phys {
namespace {

constexpr RentParams kMemoryRent{0.12, 6,
                                 3};  // static memory: p = 0.12, k = 6 (Bakoglu 1990, Table 9.1)

class Sram final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const std::string prefix = "buffers.";
    if (req.name.rfind(prefix, 0) != 0)
      throw error_at(req.arch.file, req.name, "impl 'sram' models a buffer, not this block");
    const auto& spec = req.arch.buffer(req.name.substr(prefix.size()));
    if (spec.size_bits <= 0) throw error_at(req.arch.file, req.name + ".size", "must be positive");
    const auto& t = req.tech;
    auto m = t.sram_macro(spec.size_bits, spec.width_bits, spec.banks);
    Block b;
    b.name = req.name;
    b.impl = req.impl;
    b.kind = BlockKind::memory;
    b.tier = req.tier;
    b.cell_area_m2 = m.area_m2;
    b.area_m2 = m.area_m2;
    b.gates = 0;
    b.clocked_bits = static_cast<double>(spec.width_bits) * spec.banks;  // output latches
    b.rent = kMemoryRent;
    b.leakage_ref_w = m.leakage_w;
    b.energy_per_event_j["clock_bit_cycle"] = t.logic.dff_clock_energy_j;
    b.energy_per_event_j["read_bits"] = m.read_energy_per_bit_j;
    b.energy_per_event_j["write_bits"] = m.write_energy_per_bit_j;
    b.logic_path_s = m.access_time_s;
    b.port_bits = spec.width_bits * spec.banks * spec.ports;
    b.sram = m;
    return b;
  }
};

[[maybe_unused]] const bool kSram =
    register_component_model("sram", [] { return std::make_unique<Sram>(); });

}  // namespace
}  // namespace ss::phys
