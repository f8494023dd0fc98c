// Replaceable accelerator components as interfaces; implementations in src/sim/impl/ register
// themselves by name and the architecture file's `impl` picks one (no central switch).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "arch/arch_spec.h"

namespace ss::sim {

// A PE array running weight layers (SE cores): one weight tile held stationary while a chunk
// of tokens streams through, all time lanes of a token in one step.
class ArrayModel {
 public:
  virtual ~ArrayModel() = default;
  // Cycles to stream a chunk over one weight tile: `active_tokens` tokens have a non-zero
  // input vector in the tile (the others are skipped), each needing `planes` bit-serial steps.
  virtual double pass_cycles(double active_tokens, int planes) const = 0;
  // Pipeline fill plus drain of the array, paid once per layer per core.
  virtual double fill_cycles() const = 0;
  // Weight banks per PE (double buffering: 2), and the least cycles between the start of a
  // pass and the start of the pass that rewrites its bank, beyond the pass's own compute:
  // a bank is rewritten only after its last vector has reached the last PE.
  virtual int weight_banks() const { return 2; }
  virtual double bank_reuse_cycles() const { return 0; }
};

// The attention array: a map tile held stationary, Q K^T mode then A V mode (or K^T V then Q).
class AttentionArrayModel {
 public:
  virtual ~AttentionArrayModel() = default;
  // Cycles of one mode over one map tile: `active_streams` channels (or tokens) carry spikes.
  virtual double mode_cycles(double active_streams) const = 0;
  virtual double fill_cycles() const = 0;
};

// Membrane update + fire/reset units fused behind each core.
class SpikeGenModel {
 public:
  virtual ~SpikeGenModel() = default;
  virtual double cycles(double membrane_updates) const = 0;  // per core
  // Accumulator banks per core between the array and the LIF lanes (a chunk's partial sums
  // wait in one until the chunk has fired): 2, ping-pong, as hw/se_core.v builds them, so
  // chunk k + 2 accumulates only once chunk k has fired (docs/sim.md, timing).
  virtual int acc_banks() const { return 2; }
};

// Top-K router (routed MoE): scores every token for every expert, then selects K.
class RouterModel {
 public:
  virtual ~RouterModel() = default;
  virtual double compare_ops(double tokens, int experts, int k) const = 0;
  virtual double cycles(double score_ops, double compare_ops) const = 0;
};

// A global buffer: bandwidth in bits per cycle and how an access of `bits` splits into words.
class BufferModel {
 public:
  virtual ~BufferModel() = default;
  virtual double bits_per_cycle() const = 0;        // all banks and ports together
  virtual double accesses(double bits) const = 0;   // word accesses for a burst of `bits`
  virtual int banks() const = 0;                    // statistics are kept per bank
};

// The interconnect between buffers and cores.
class NocModel {
 public:
  virtual ~NocModel() = default;
  virtual double bits_per_cycle() const = 0;
  virtual double transfers(double bits) const = 0;
  virtual double latency_cycles() const = 0;
};

// Registration: `static RegisterModel<ArrayModel> reg("array", "st_systolic", &make);`
template <typename Base>
using ModelFactory = std::unique_ptr<Base> (*)(const arch::Arch&, const std::string& role);

using AnyFactory = void (*)();
void register_model(const char* kind, const char* name, AnyFactory factory);
AnyFactory find_model(const std::string& kind, const std::string& name, const std::string& file,
                 const std::string& key);

template <typename Base>
struct RegisterModel {
  RegisterModel(const char* kind, const char* name, ModelFactory<Base> f)
      : names(kind, name) {
    register_model(kind, name, reinterpret_cast<AnyFactory>(f));
  }
  arch::RegisterImplName names;
};

template <typename Base>
std::unique_ptr<Base> make_model(const arch::Arch& a, const char* kind, const std::string& impl,
                                 const std::string& key, const std::string& role = "") {
  auto f = reinterpret_cast<ModelFactory<Base>>(find_model(kind, impl, a.file, key));
  return f(a, role);
}

// Every component of an architecture, instantiated from its description.
struct Components {
  explicit Components(const arch::Arch& a);
  std::unique_ptr<ArrayModel> se;
  std::unique_ptr<AttentionArrayModel> attention;
  std::unique_ptr<SpikeGenModel> spike_gen;
  std::unique_ptr<RouterModel> router;
  std::unique_ptr<BufferModel> weight, spike, membrane;
  std::unique_ptr<NocModel> noc;
};

}  // namespace ss::sim
