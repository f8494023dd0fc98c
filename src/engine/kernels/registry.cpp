// Registry of kernel sets and run-time selection (best supported set, or SPIKESTACK_KERNELS).
// Compiled without ISA flags: nothing here may execute instructions a kernel set needs.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "engine/kernels/kernels.h"

namespace ss::kern {

namespace {

// Function-local statics: the kernel files register themselves during static initialisation,
// in an unspecified order relative to this file.
std::vector<const KernelSet*>& registry() {
  static std::vector<const KernelSet*> sets;
  return sets;
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::atomic<const KernelSet*>& current() {
  static std::atomic<const KernelSet*> cur{nullptr};
  return cur;
}

std::string names(const std::vector<const KernelSet*>& sets) {
  std::string s;
  for (const KernelSet* k : sets) s += (s.empty() ? "" : ", ") + std::string(k->name);
  return s;
}

// The set called `name`, or an ss::Error naming what is available.
const KernelSet& find(const std::string& name, const char* origin) {
  std::vector<const KernelSet*> all;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    all = registry();
  }
  for (const KernelSet* k : all) {
    if (name != k->name) continue;
    if (!k->supported())
      throw Error(fmt::format("{}: kernel set '{}' is not supported by this CPU (supported: {})",
                              origin, name, names(supported_sets())));
    return *k;
  }
  throw Error(fmt::format("{}: unknown kernel set '{}' (known: {}; supported here: {})", origin,
                          name, names(all), names(supported_sets())));
}

}  // namespace

Register::Register(const KernelSet& k) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().push_back(&k);
}

std::vector<const KernelSet*> supported_sets() {
  std::vector<const KernelSet*> out;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    for (const KernelSet* k : registry())
      if (k->supported()) out.push_back(k);
  }
  std::stable_sort(out.begin(), out.end(), [](const KernelSet* a, const KernelSet* b) {
    return a->priority > b->priority;
  });
  return out;
}

const KernelSet& kernels() {
  if (const KernelSet* k = current().load(std::memory_order_acquire)) return *k;
  const KernelSet* chosen = nullptr;
  const char* env = std::getenv("SPIKESTACK_KERNELS");
  if (env != nullptr && *env != '\0') {
    chosen = &find(env, "SPIKESTACK_KERNELS");
  } else {
    std::vector<const KernelSet*> sets = supported_sets();
    if (sets.empty()) throw Error("no kernel set is registered and supported by this CPU");
    chosen = sets.front();
  }
  // A concurrent select() wins over the default.
  const KernelSet* expected = nullptr;
  if (!current().compare_exchange_strong(expected, chosen, std::memory_order_acq_rel))
    return *expected;
  return *chosen;
}

void select(const std::string& name) {
  current().store(&find(name, "kernel selection"), std::memory_order_release);
}

}  // namespace ss::kern
