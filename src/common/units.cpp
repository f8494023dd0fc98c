#include "common/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "common/error.h"

namespace ss {
namespace {

struct Symbol {
  std::string_view name;
  double scale;
  Dim dim;
  bool information;  // takes binary prefixes
};

// kg is the SI base; the gram is its 1e-3 so that prefixes compose ("mg", "kg").
constexpr Symbol kSymbols[] = {
    {"m", 1, dim::length, false},
    {"g", 1e-3, dim::mass, false},
    {"s", 1, dim::time, false},
    {"A", 1, dim::current, false},
    {"K", 1, dim::temperature, false},
    {"bit", 1, dim::bits, true},
    {"bits", 1, dim::bits, true},
    {"b", 1, dim::bits, true},
    {"B", 8, dim::bits, true},
    {"Hz", 1, dim::frequency, false},
    {"J", 1, dim::energy, false},
    {"W", 1, dim::power, false},
    {"V", 1, dim::voltage, false},
    {"ohm", 1, dim::resistance, false},
    {"Ohm", 1, dim::resistance, false},
    {"F", 1, dim::capacitance, false},
    {"C", 1, dim::current * dim::time, false},
};

struct Prefix {
  std::string_view name;
  double scale;
  bool binary;
};
constexpr Prefix kPrefixes[] = {
    {"f", 1e-15, false}, {"p", 1e-12, false}, {"n", 1e-9, false}, {"u", 1e-6, false},
    {"m", 1e-3, false},  {"c", 1e-2, false},  {"k", 1e3, false},  {"M", 1e6, false},
    {"G", 1e9, false},   {"T", 1e12, false},  {"Ki", 1024.0, true}, {"Mi", 1048576.0, true},
    {"Gi", 1073741824.0, true},
};

std::optional<Quantity> lookup(std::string_view s) {
  for (const auto& sym : kSymbols)
    if (sym.name == s) return Quantity{sym.scale, sym.dim};
  for (const auto& p : kPrefixes) {
    if (s.size() <= p.name.size() || s.substr(0, p.name.size()) != p.name) continue;
    auto rest = s.substr(p.name.size());
    for (const auto& sym : kSymbols)
      if (sym.name == rest && (!p.binary || sym.information))
        return Quantity{p.scale * sym.scale, sym.dim};
  }
  return std::nullopt;
}

class UnitParser {
 public:
  explicit UnitParser(std::string_view s) : s_(s) {}

  Quantity parse() {
    Quantity q = product();
    skip_ws();
    if (i_ != s_.size()) fail("unexpected '" + std::string(1, s_[i_]) + "'");
    return q;
  }

 private:
  Quantity product() {
    Quantity q = factor();
    for (;;) {
      skip_ws();
      if (i_ >= s_.size() || (s_[i_] != '*' && s_[i_] != '/' && s_[i_] != '.')) return q;
      bool divide = s_[i_] == '/';
      ++i_;
      Quantity f = factor();
      q = times(q, f, divide ? -1 : 1);
    }
  }
  Quantity factor() {
    skip_ws();
    Quantity base;
    if (i_ < s_.size() && s_[i_] == '(') {
      ++i_;
      if (++depth_ > kMaxDepth) fail(fmt::format("more than {} nested '('", kMaxDepth));
      base = product();
      --depth_;
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ')') fail("missing ')'");
      ++i_;
    } else {
      size_t start = i_;
      while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
      auto name = s_.substr(start, i_ - start);
      if (name.empty()) fail("expected a unit symbol");
      auto q = lookup(name);
      if (!q) fail("unknown unit '" + std::string(name) + "'");
      base = *q;
    }
    if (i_ < s_.size() && s_[i_] == '^') {
      ++i_;
      int n = 0;
      const char* b = s_.data() + i_;
      auto [p, ec] = std::from_chars(b, s_.data() + s_.size(), n);
      if (ec != std::errc() || n == 0 || std::abs(n) > kMaxPower)
        fail(fmt::format("expected a non-zero integer power from -{0} to {0} after '^'", kMaxPower));
      i_ += static_cast<size_t>(p - b);
      base = times({1, dim::none}, base, n);
    } else if (i_ < s_.size() && (s_[i_] == '2' || s_[i_] == '3')) {
      base = times({1, dim::none}, base, s_[i_] - '0');  // "mm2", "m3"
      ++i_;
    }
    return base;
  }
  // a * b^n. No physical unit has an exponent beyond 12 (the int8 exponents would wrap, e.g.
  // "((m^8)^8)^4" to m^0, found by fuzz_arch_toml), and a power of 10^9 would loop for minutes.
  static constexpr int kMaxPower = 12;
  Quantity times(const Quantity& a, const Quantity& b, int n) const {
    Dim d;
    for (size_t i = 0; i < d.e.size(); ++i) {
      const int e = a.dim.e[i] + n * b.dim.e[i];
      if (std::abs(e) > kMaxPower)
        fail(fmt::format("a dimension's power is {}, beyond -{} to {}", e, kMaxPower, kMaxPower));
      d.e[i] = static_cast<int8_t>(e);
    }
    double r = 1;
    for (int i = 0; i < std::abs(n); ++i) r *= b.si;
    if (n < 0) r = 1 / r;
    const double si = a.si * r;
    if (!std::isfinite(si) || si == 0) fail("the unit's scale is out of the range of a double");
    return {si, d};
  }
  void skip_ws() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error("unit '" + std::string(s_) + "': " + why);
  }

  static constexpr int kMaxDepth = 16;  // each '(' is a recursion: a bound on the stack
  std::string_view s_;
  size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Quantity parse_unit(std::string_view unit) {
  if (unit.empty()) return {1, dim::none};
  return UnitParser(unit).parse();
}

Quantity parse_quantity(std::string_view text) {
  size_t b = 0;
  while (b < text.size() && text[b] == ' ') ++b;
  const char* first = text.data() + b;
  const char* last = text.data() + text.size();
  double v = 0;
  auto [p, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || !std::isfinite(v))
    throw Error("'" + std::string(text) + "': expected a number followed by a unit");
  auto rest = std::string_view(p, static_cast<size_t>(last - p));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  Quantity u = parse_unit(rest);
  return {v * u.si, u.dim};
}

std::string dim_name(const Dim& d) {
  static const std::pair<Dim, const char*> kNamed[] = {
      {dim::none, "plain number"},
      {dim::length, "length (e.g. um)"},
      {dim::area, "area (e.g. um^2)"},
      {dim::time, "time (e.g. ns)"},
      {dim::frequency, "frequency (e.g. MHz)"},
      {dim::energy, "energy (e.g. pJ)"},
      {dim::power, "power (e.g. mW)"},
      {dim::voltage, "voltage (e.g. V)"},
      {dim::resistance, "resistance (e.g. ohm)"},
      {dim::capacitance, "capacitance (e.g. fF)"},
      {dim::temperature, "temperature (e.g. K)"},
      {dim::bits, "size (e.g. bits, KiB)"},
      {dim::bandwidth, "bandwidth (e.g. Gbit/s)"},
      {dim::energy_per_bit, "energy per bit (e.g. pJ/bit)"},
      {dim::resistance_per_length, "resistance per length (e.g. ohm/um)"},
      {dim::capacitance_per_length, "capacitance per length (e.g. fF/um)"},
      {dim::thermal_conductivity, "thermal conductivity (e.g. W/(m*K))"},
      {dim::volumetric_heat_capacity, "volumetric heat capacity (e.g. J/(m^3*K))"},
      {dim::power_density, "power density (e.g. W/mm^2)"},
  };
  for (auto& [dd, n] : kNamed)
    if (dd == d) return n;
  static const char* base[] = {"m", "kg", "s", "A", "K", "bit"};
  std::string s;
  for (size_t i = 0; i < d.e.size(); ++i) {
    if (!d.e[i]) continue;
    if (!s.empty()) s += '*';
    s += base[i];
    if (d.e[i] != 1) s.append(1, '^').append(std::to_string(d.e[i]));
  }
  return s.insert(0, "unit ");
}

double to_unit(double si, std::string_view unit) { return si / parse_unit(unit).si; }

double parse_quantity_as(std::string_view text, const Dim& expected) {
  Quantity q = parse_quantity(text);
  if (!(q.dim == expected))
    throw Error("'" + std::string(text) + "' is a " + dim_name(q.dim) + ", expected a " +
                dim_name(expected));
  return q.si;
}

}  // namespace ss
