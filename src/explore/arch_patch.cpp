#include "explore/arch_patch.h"

#include <cmath>
#include <cstring>
#include <type_traits>

namespace ss::explore {

#if defined(__GLIBCXX__) && defined(__x86_64__)
// A field added to arch::Arch must be added to zip_arch (arch_patch.h), or the explorer would
// silently keep the base value of it: these sizes make that a compile error.
static_assert(sizeof(arch::Arch) == 440 && sizeof(arch::ArraySpec) == 56 &&
                  sizeof(arch::SpikeGenSpec) == 48 && sizeof(arch::RouterSpec) == 40 &&
                  sizeof(arch::BufferSpec) == 88 && sizeof(arch::InterconnectSpec) == 40 &&
                  sizeof(arch::OffchipSpec) == 8,
              "arch::Arch changed: update zip_arch in explore/arch_patch.h");
#endif

namespace {
template <class T>
bool same(const T& x, const T& y) {
  if constexpr (std::is_floating_point_v<T>)
    return std::memcmp(&x, &y, sizeof x) == 0;  // bitwise: a value that parses the same
  else
    return x == y;
}
}  // namespace

ArchPatcher::ArchPatcher(arch::Arch base, std::vector<std::vector<arch::Arch>> values)
    : base_(std::move(base)), values_(std::move(values)), fields_(values_.size()) {
  usable_ = true;
  std::vector<char> taken;
  for (size_t a = 0; a < values_.size(); ++a) {
    std::vector<char> moved;
    for (auto& v : values_[a]) {
      size_t k = 0;
      const bool ok = zip_arch(base_, v, [&](const auto& x, const auto& y, bool) {
        if (moved.size() <= k) moved.resize(k + 1, 0);
        if (!same(x, y)) moved[k] = 1;
        ++k;
      });
      if (!ok) usable_ = false;
    }
    if (taken.size() < moved.size()) taken.resize(moved.size(), 0);
    for (size_t k = 0; k < moved.size(); ++k)
      if (moved[k]) {
        if (taken[k]) usable_ = false;  // two axes move one field: order would matter
        taken[k] = 1;
        fields_[a].push_back(k);
      }
  }
}

bool ArchPatcher::patch(const std::vector<uint32_t>& idx, arch::Arch& out) const {
  out = base_;
  for (size_t a = 0; a < values_.size(); ++a) {
    if (fields_[a].empty()) continue;
    const auto& f = fields_[a];
    size_t k = 0, next = 0;
    zip_arch(out, values_[a].at(idx.at(a)), [&](auto& x, const auto& y, bool) {
      if (next < f.size() && f[next] == k) x = y, ++next;
      ++k;
    });
  }
  // the loader's rules between fields (arch_spec.cpp, build())
  if (out.acc_bits <= out.weight_bits) return false;
  for (const auto& [role, b] : out.buffers)
    if (std::fmod(b.size_bits, double(b.width_bits) * b.banks) != 0) return false;
  return true;
}

void ArchPatcher::analytical_key(const arch::Arch& a, std::string& out) {
  zip_arch(a, a, [&](const auto& x, const auto&, bool physical_only) {
    using T = std::decay_t<decltype(x)>;
    if (physical_only) return;
    if constexpr (std::is_same_v<T, std::string>) {
      const size_t n = x.size();
      out.append(reinterpret_cast<const char*>(&n), sizeof n);
      out += x;
    } else {
      out.append(reinterpret_cast<const char*>(&x), sizeof x);
    }
  });
}

}  // namespace ss::explore
