#include "engine/block_part.h"

#include <map>

#include "common/error.h"

namespace ss {

namespace {
std::map<std::pair<std::string, std::string>, PartFactory>& registry() {
  static std::map<std::pair<std::string, std::string>, PartFactory> r;
  return r;
}
}  // namespace

RegisterPart::RegisterPart(const char* slot, const char* type, PartFactory f) {
  registry()[{slot, type}] = f;
}

std::unique_ptr<BlockPart> make_part(const std::string& slot, const std::string& type,
                                     const PartArgs& a) {
  auto it = registry().find({slot, type});
  if (it == registry().end()) {
    std::string known;
    for (auto& n : registered_parts(slot)) known += (known.empty() ? "" : ", ") + n;
    throw error_at(a.ctx.spec.file, slot + ".type", "no implementation named '{}' (known: {})",
                   type, known);
  }
  return it->second(a);
}

std::vector<std::string> registered_parts(const std::string& slot) {
  std::vector<std::string> r;
  for (auto& [k, f] : registry())
    if (k.first == slot) r.push_back(k.second);
  return r;
}

}  // namespace ss
