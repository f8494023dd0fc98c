#include "explore/axis.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>

#include "common/error.h"
#include "common/units.h"

namespace ss::explore {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

[[noreturn]] void fail(const std::string& key, const std::string& spec, const std::string& why) {
  throw Error(fmt::format("--axis {}={}: {}", key, spec, why));
}

// A number with an optional unit: "4", "0.5", "1um", "256 KiB".
struct Number {
  double value = 0;  // as written, in `unit`
  double si = 0;     // SI (bits for information)
  std::string unit;  // "" when plain
  Dim dim;
  bool integer = false;
};

bool parse_number(const std::string& text, Number& out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || !std::isfinite(v)) return false;
  std::string unit = trim(std::string(p, t.data() + t.size()));
  out.value = v;
  out.unit = unit;
  if (unit.empty()) {
    out.si = v;
    out.dim = dim::none;
    out.integer = t.find_first_of(".eE") == std::string::npos;
    return true;
  }
  try {
    const Quantity u = parse_unit(unit);
    out.si = v * u.si;
    out.dim = u.dim;
  } catch (const Error&) {
    return false;
  }
  return true;
}

std::string fmt_number(double v) {
  if (std::abs(v - std::round(v)) < 1e-9 * std::max(1.0, std::abs(v)) && std::abs(v) < 1e15)
    return fmt::format("{}", static_cast<long long>(std::llround(v)));
  return fmt::format("{:.6g}", v);
}

AxisValue numeric_value(double v, const std::string& unit, double unit_si, bool integer) {
  AxisValue a;
  const std::string n =
      integer ? fmt::format("{}", static_cast<long long>(std::llround(v))) : fmt_number(v);
  a.label = unit.empty() ? n : n + " " + unit;
  a.text = unit.empty() ? n : "\"" + a.label + "\"";
  a.number = v * unit_si;
  return a;
}

AxisValue list_value(const std::string& raw, bool& numeric) {
  const std::string t = trim(raw);
  AxisValue a;
  Number n;
  if (parse_number(t, n)) {
    if (n.unit.empty()) {
      a.label = t;
      a.text = t;
    } else {
      a.label = fmt::format("{} {}", fmt_number(n.value), n.unit);
      a.text = "\"" + a.label + "\"";
    }
    a.number = n.si;
    return a;
  }
  numeric = false;
  a.label = t;
  try {  // a TOML literal (true, "text") is passed on as written
    auto parsed = toml::parse("v = " + t);
    a.text = t;
    if (auto* s = parsed.get("v"); s && s->is_string()) a.label = *s->value<std::string>();
  } catch (const toml::parse_error&) {
    a.text = "\"" + t + "\"";
  }
  return a;
}

}  // namespace

Axis parse_axis(const std::string& key_eq_spec) {
  const auto eq = key_eq_spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(
        fmt::format("--axis {}: expected key=values (e.g. se_cores.count=1,2,4,8)", key_eq_spec));
  return parse_axis(trim(key_eq_spec.substr(0, eq)), trim(key_eq_spec.substr(eq + 1)));
}

Axis parse_axis(const std::string& key, const std::string& spec) {
  Axis ax;
  ax.key = key;
  ax.spec = spec;
  if (key.empty()) fail(key, spec, "empty key");
  if (trim(spec).empty()) fail(key, spec, "no values");
  const auto dots = spec.find("..");
  if (dots == std::string::npos) {
    ax.numeric = true;
    size_t s = 0;
    for (;;) {
      const auto c = spec.find(',', s);
      const std::string item = spec.substr(s, c == std::string::npos ? c : c - s);
      if (trim(item).empty()) fail(key, spec, "an empty value in the list");
      ax.values.push_back(list_value(item, ax.numeric));
      if (c == std::string::npos) break;
      s = c + 1;
    }
    if (!ax.numeric)
      for (size_t i = 0; i < ax.values.size(); ++i) ax.values[i].number = static_cast<double>(i);
    for (size_t i = 0; i < ax.values.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (ax.values[i].label == ax.values[j].label)
          fail(key, spec, fmt::format("value '{}' appears twice", ax.values[i].label));
    return ax;
  }
  // a range
  const std::string lo_s = spec.substr(0, dots);
  std::string rest = spec.substr(dots + 2), how;
  if (const auto colon = rest.find(':'); colon != std::string::npos) {
    how = trim(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  Number lo, hi;
  if (!parse_number(lo_s, lo)) fail(key, spec, fmt::format("'{}' is not a number", trim(lo_s)));
  if (!parse_number(rest, hi)) fail(key, spec, fmt::format("'{}' is not a number", trim(rest)));
  if (!(lo.dim == hi.dim))
    fail(
        key, spec,
        fmt::format("the ends differ in dimension ({} vs {})", dim_name(lo.dim), dim_name(hi.dim)));
  if (hi.si < lo.si) fail(key, spec, "inverted range (the upper end is below the lower)");
  ax.numeric = true;
  ax.unit = lo.unit;
  const double unit_si = lo.unit.empty() ? 1.0 : parse_unit(lo.unit).si;
  const double a = lo.si / unit_si, b = hi.si / unit_si;  // both in the lower end's unit
  const double eps = 1e-9 * std::max(std::abs(a), std::abs(b));
  bool integer = lo.integer && hi.integer && lo.unit.empty();
  std::vector<double> v;
  auto count = [&](const std::string& s) {
    Number n;
    if (!parse_number(s, n) || !n.integer || !n.unit.empty() || n.value < 1 || n.value > 1e7)
      fail(key, spec, fmt::format("'{}': expected a count from 1 to 10000000", s));
    return static_cast<int>(n.value);
  };
  if (how.empty()) {
    if (!integer)
      fail(key, spec, "a range of non-integers needs a step (:xF, :log:N, :lin:N, :+S)");
    for (double x = a; x <= b + eps; x += 1) v.push_back(x);
  } else if (how[0] == 'x') {
    Number f;
    if (!parse_number(how.substr(1), f) || !f.unit.empty() || !(f.value > 1))
      fail(key, spec, fmt::format("':{}': expected a factor above 1 (e.g. :x2)", how));
    if (!(a > 0)) fail(key, spec, "a geometric range needs a lower end above 0");
    for (double x = a; x <= b * (1 + 1e-9); x *= f.value) v.push_back(x);
    integer = integer && f.integer;
  } else if (how.rfind("log:", 0) == 0) {
    const int n = count(how.substr(4));
    if (!(a > 0)) fail(key, spec, "a log range needs a lower end above 0");
    for (int i = 0; i < n; ++i)
      v.push_back(n == 1 ? a : a * std::pow(b / a, static_cast<double>(i) / (n - 1)));
    integer = false;
  } else if (how[0] == '+') {
    Number s;
    if (!parse_number(how.substr(1), s) || !(s.si > 0) || !(s.dim == lo.dim))
      fail(key, spec, fmt::format("':{}': expected a positive step in the range's unit", how));
    const double step = s.si / unit_si;
    for (double x = a; x <= b + eps + 1e-9 * step; x += step) v.push_back(x);
    integer = integer && s.integer && s.unit.empty();
  } else {
    const int n = count(how.rfind("lin:", 0) == 0 ? how.substr(4) : how);
    for (int i = 0; i < n; ++i) v.push_back(n == 1 ? a : a + (b - a) * i / (n - 1));
    integer = false;
  }
  if (v.empty()) fail(key, spec, "empty range");
  if (v.size() > 10'000'000) fail(key, spec, "more than 10,000,000 values");
  // an integer range keeps integers (counts) when every value is whole
  if (integer)
    for (double x : v) integer = integer && std::abs(x - std::round(x)) < 1e-9;
  for (double x : v) ax.values.push_back(numeric_value(x, lo.unit, unit_si, integer));
  for (size_t i = 1; i < ax.values.size(); ++i)
    if (ax.values[i].label == ax.values[i - 1].label)
      fail(key, spec, fmt::format("two values print as '{}': use fewer", ax.values[i].label));
  return ax;
}

}  // namespace ss::explore
