#include "arch/arch_spec.h"

#include <cmath>
#include <map>
#include <set>

#include "common/error.h"
#include "common/toml_get.h"

namespace ss::arch {

const char* tier_name(Tier t) { return t == Tier::top ? "top" : "bottom"; }

const BufferSpec& Arch::buffer(const std::string& role) const {
  auto it = buffers.find(role);
  if (it == buffers.end()) throw error_at(file, "buffers." + role, "missing buffer");
  return it->second;
}

namespace {

std::map<std::string, std::set<std::string>>& name_registry() {
  static std::map<std::string, std::set<std::string>> r;
  return r;
}

// The file's schema: table -> allowed keys (docs/arch.md documents each).
const std::map<std::string, std::vector<const char*>>& schema() {
  static const std::map<std::string, std::vector<const char*>> s{
      {"",
       {"arch", "se_cores", "attention_cores", "spike_gen", "router", "buffers", "noc", "offchip",
        "mapping"}},
      {"arch", {"name", "clock", "weight_bits", "acc_bits", "membrane_bits", "score_bits"}},
      {"se_cores", {"impl", "tier", "count", "rows", "cols", "time_lanes"}},
      {"attention_cores", {"impl", "tier", "count", "rows", "cols", "time_lanes", "order"}},
      {"spike_gen", {"impl", "tier", "lanes_per_core", "acc_entries"}},
      {"router", {"impl", "tier", "lanes"}},
      {"buffers", {"weight", "spike", "membrane"}},
      {"buffer", {"impl", "tier", "size", "width", "banks", "ports"}},
      {"noc", {"impl", "width", "latency_cycles"}},
      {"offchip", {"width", "latency_cycles"}},
      {"mapping", {"head_pruning", "head_keep", "skip_gated"}},
  };
  return s;
}

const std::vector<const char*>& allowed(const std::string& table) {
  return schema().at(table.rfind("buffers.", 0) == 0 ? "buffer" : table);
}

void check_keys(const toml::table& t, const std::string& file, const std::string& table) {
  const auto& a = allowed(table);
  for (auto& [k, v] : t) {
    bool found = false;
    for (auto* n : a) found |= k.str() == n;
    if (!found) {
      std::string list;
      for (auto* n : a) list += (list.empty() ? "" : ", ") + std::string(n);
      throw error_at(file,
                     printable(table.empty() ? std::string(k.str())
                                             : table + "." + std::string(k.str())),
                     "unknown key (expected one of: {})", list);
    }
  }
}

Tier tier_of(const TomlReader& r) {
  std::string s = r.string("tier", "bottom");
  if (s == "bottom") return Tier::bottom;
  if (s == "top") return Tier::top;
  throw error_at(r.file(), r.key("tier"), "expected \"bottom\" or \"top\", got '{}'", s);
}

std::string impl_of(const TomlReader& r, const std::string& kind) {
  std::string s = r.string("impl");
  auto names = impl_names(kind);
  if (names.empty()) return s;
  for (auto& n : names)
    if (n == s) return s;
  std::string list;
  for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw error_at(r.file(), r.key("impl"), "no {} implementation named '{}' (registered: {})", kind,
                 s, list);
}

int bits_of(const TomlReader& r, const std::string& k) {
  // An int holds the width; no bus or bank port is wider than a million bits.
  double v = r.quantity(k, dim::bits, std::nullopt, 1, 1 << 20);
  if (v != std::floor(v)) throw error_at(r.file(), r.key(k), "expected a whole number of bits");
  return int(v);
}

ArraySpec array_of(const TomlReader& r, const std::string& kind) {
  ArraySpec a;
  a.impl = impl_of(r, kind);
  a.tier = tier_of(r);
  a.count = int(r.integer("count", std::nullopt, 1, 4096));
  a.rows = int(r.integer("rows", std::nullopt, 1, 65536));
  a.cols = int(r.integer("cols", std::nullopt, 1, 65536));
  a.time_lanes = int(r.integer("time_lanes", std::nullopt, 1, 64));
  return a;
}

// Splits "a.b.c=value"; the value is TOML ("8", "\"512 KiB\"", "true"); text that is not TOML
// is taken as a string, so `--set buffers.weight.size="512 KiB"` works with or without quotes.
void apply_override(toml::table& root, const std::string& file, const std::string& ov) {
  auto eq = ov.find('=');
  if (eq == std::string::npos || eq == 0)
    throw error_at(file, "--set " + ov, "expected key=value (e.g. se_cores.count=8)");
  std::string key = ov.substr(0, eq), text = ov.substr(eq + 1);
  while (!key.empty() && key.back() == ' ') key.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + text);
  } catch (const toml::parse_error&) {
    parsed.insert_or_assign("v", text);
  }
  std::vector<std::string> parts;
  for (size_t s = 0;;) {
    auto d = key.find('.', s);
    parts.push_back(key.substr(s, d == std::string::npos ? d : d - s));
    if (d == std::string::npos) break;
    s = d + 1;
  }
  toml::table* t = &root;
  std::string path;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    bool last = i + 1 == parts.size();
    const std::string sub = path.empty() ? p : path + "." + p;
    bool is_table = schema().count(sub) || (path == "buffers");
    bool known = false;
    for (auto* n : allowed(path)) known |= p == n;
    if (!known) {
      std::string list;
      for (auto* n : allowed(path)) list += (list.empty() ? "" : ", ") + std::string(n);
      throw error_at(file, "--set " + key, "unknown key '{}' (expected one of: {})", sub, list);
    }
    if (last && is_table) {  // alias: `se_cores=8` means se_cores.count = 8
      const auto* v = parsed.get("v");
      bool has_count = false;
      for (auto* n : allowed(sub)) has_count |= std::string(n) == "count";
      if (!has_count || !v->is_integer())
        throw error_at(file, "--set " + key, "'{}' is a table; set one of its keys", sub);
      if (!t->contains(p)) t->insert_or_assign(p, toml::table{});
      t->get(p)->as_table()->insert_or_assign("count", *v->value<int64_t>());
      return;
    }
    if (last) {
      t->insert_or_assign(p, *parsed.get("v"));
      return;
    }
    if (!is_table) throw error_at(file, "--set " + key, "'{}' is not a table", sub);
    if (!t->contains(p)) t->insert_or_assign(p, toml::table{});
    t = t->get(p)->as_table();
    if (!t) throw error_at(file, "--set " + key, "'{}' is not a table in the file", sub);
    path = sub;
  }
}

Arch build(const toml::table& root, const std::string& file) {
  check_keys(root, file, "");
  TomlReader r(root, file);
  Arch a;
  a.file = file;
  auto top = r.sub("arch");
  check_keys(*root.get("arch")->as_table(), file, "arch");
  a.name = top.string("name");
  a.clock_hz = top.quantity("clock", dim::frequency, std::nullopt, 1e3, 1e12);
  a.weight_bits = int(top.integer("weight_bits", 8, 1, 32));
  a.acc_bits = int(top.integer("acc_bits", 16, 2, 64));
  a.membrane_bits = int(top.integer("membrane_bits", 16, 2, 64));
  a.score_bits = int(top.integer("score_bits", 12, 1, 64));
  if (a.acc_bits <= a.weight_bits)
    throw error_at(file, "arch.acc_bits", "must be wider than weight_bits ({}), got {}",
                   a.weight_bits, a.acc_bits);

  auto tbl = [&](const char* k) -> const toml::table& {
    r.sub(k);  // errors for missing / not a table
    const toml::table& t = *root.get(k)->as_table();
    check_keys(t, file, k);
    return t;
  };
  a.se = array_of(TomlReader(tbl("se_cores"), file, "se_cores"), "array");
  {
    TomlReader ar(tbl("attention_cores"), file, "attention_cores");
    a.attention = array_of(ar, "attention_array");
    a.attention_order = ar.string("order", "qk_first");
    if (a.attention_order != "qk_first" && a.attention_order != "kv_first" &&
        a.attention_order != "auto")
      throw error_at(file, "attention_cores.order",
                     "expected \"qk_first\", \"kv_first\" or \"auto\", got '{}'", a.attention_order);
  }
  {
    TomlReader sg(tbl("spike_gen"), file, "spike_gen");
    a.spike_gen.impl = impl_of(sg, "spike_gen");
    a.spike_gen.tier = tier_of(sg);
    a.spike_gen.lanes_per_core = int(sg.integer("lanes_per_core", std::nullopt, 1, 1 << 20));
    a.spike_gen.acc_entries = int(sg.integer("acc_entries", std::nullopt, 1, 1 << 30));
  }
  {
    TomlReader ro(tbl("router"), file, "router");
    a.router.impl = impl_of(ro, "router");
    a.router.tier = tier_of(ro);
    a.router.lanes = int(ro.integer("lanes", std::nullopt, 1, 1 << 20));
  }
  {
    const toml::table& bt = tbl("buffers");
    for (const char* role : {"weight", "spike", "membrane"}) {
      std::string k = std::string("buffers.") + role;
      if (!bt.contains(role)) throw error_at(file, k, "missing buffer (weight, spike and membrane are required)");
      if (!bt.get(role)->is_table()) throw error_at(file, k, "expected a table");
      const toml::table& t = *bt.get(role)->as_table();
      check_keys(t, file, k);
      TomlReader b(t, file, k);
      BufferSpec s;
      s.role = role;
      s.impl = impl_of(b, "buffer");
      s.tier = tier_of(b);
      s.size_bits = b.quantity("size", dim::bits, std::nullopt, 1, 1e15);
      s.width_bits = bits_of(b, "width");
      s.banks = int(b.integer("banks", std::nullopt, 1, 4096));
      s.ports = int(b.integer("ports", 1, 1, 16));
      double per_row = double(s.width_bits) * s.banks;
      if (std::fmod(s.size_bits, per_row) != 0)
        throw error_at(file, k + ".size",
                       "{} bits is not a whole number of rows of width x banks = {} bits",
                       s.size_bits, per_row);
      a.buffers[role] = s;
    }
  }
  {
    TomlReader n(tbl("noc"), file, "noc");
    a.noc.impl = impl_of(n, "noc");
    a.noc.width_bits = bits_of(n, "width");
    a.noc.latency_cycles = int(n.integer("latency_cycles", 1, 0, 1 << 20));
  }
  if (root.contains("offchip")) {
    TomlReader o(tbl("offchip"), file, "offchip");
    a.offchip.width_bits = bits_of(o, "width");
    a.offchip.latency_cycles = int(o.integer("latency_cycles", std::nullopt, 0, 1 << 20));
  }
  if (root.contains("mapping")) {
    TomlReader m(tbl("mapping"), file, "mapping");
    a.head_pruning = m.boolean("head_pruning", false);
    a.head_keep = m.number("head_keep", 1.0, 0.0, 1.0);
    if (a.head_keep <= 0) throw error_at(file, "mapping.head_keep", "must be in (0, 1]");
    a.skip_gated = m.boolean("skip_gated", true);
  }
  return a;
}

}  // namespace

RegisterImplName::RegisterImplName(const char* kind, const char* name) {
  name_registry()[kind].insert(name);
}

std::vector<std::string> impl_names(const std::string& kind) {
  auto it = name_registry().find(kind);
  if (it == name_registry().end()) return {};
  return {it->second.begin(), it->second.end()};
}

Arch parse_arch(const std::string& text, const std::string& origin,
                const std::vector<std::string>& overrides) {
  toml::table root = parse_toml_text(text, origin);
  for (const auto& o : overrides) apply_override(root, origin, o);
  return build(root, origin);
}

Arch load_arch(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table root = parse_toml_file(path);
  for (const auto& o : overrides) apply_override(root, path, o);
  return build(root, path);
}

}  // namespace ss::arch
