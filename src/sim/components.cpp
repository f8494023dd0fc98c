#include "sim/components.h"

#include <map>

#include "common/error.h"

namespace ss::sim {

namespace {
std::map<std::pair<std::string, std::string>, AnyFactory>& registry() {
  static std::map<std::pair<std::string, std::string>, AnyFactory> r;
  return r;
}
}  // namespace

void register_model(const char* kind, const char* name, AnyFactory factory) {
  registry()[{kind, name}] = factory;
}

AnyFactory find_model(const std::string& kind, const std::string& name, const std::string& file,
                 const std::string& key) {
  auto it = registry().find({kind, name});
  if (it != registry().end()) return it->second;
  std::string known;
  for (auto& [k, f] : registry())
    if (k.first == kind) known += (known.empty() ? "" : ", ") + k.second;
  throw error_at(file, key, "no {} implementation named '{}' (registered: {})", kind, name, known);
}

Components::Components(const arch::Arch& a)
    : se(make_model<ArrayModel>(a, "array", a.se.impl, "se_cores.impl")),
      attention(make_model<AttentionArrayModel>(a, "attention_array", a.attention.impl,
                                                "attention_cores.impl")),
      spike_gen(make_model<SpikeGenModel>(a, "spike_gen", a.spike_gen.impl, "spike_gen.impl")),
      router(make_model<RouterModel>(a, "router", a.router.impl, "router.impl")),
      weight(make_model<BufferModel>(a, "buffer", a.buffer("weight").impl, "buffers.weight.impl",
                                     "weight")),
      spike(make_model<BufferModel>(a, "buffer", a.buffer("spike").impl, "buffers.spike.impl",
                                    "spike")),
      membrane(make_model<BufferModel>(a, "buffer", a.buffer("membrane").impl,
                                       "buffers.membrane.impl", "membrane")),
      noc(make_model<NocModel>(a, "noc", a.noc.impl, "noc.impl")) {}

}  // namespace ss::sim
