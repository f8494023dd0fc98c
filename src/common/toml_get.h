// Typed access to TOML tables with errors that name the file and the dotted key.
#pragma once
#include <toml++/toml.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "common/error.h"
#include "common/units.h"

namespace ss {

class TomlReader {
 public:
  TomlReader(const toml::table& t, std::string file, std::string prefix = "")
      : t_(&t), file_(std::move(file)), prefix_(std::move(prefix)) {}

  bool has(const std::string& key) const { return t_->contains(key); }
  std::string key(const std::string& k) const { return prefix_.empty() ? k : prefix_ + "." + k; }
  const std::string& file() const { return file_; }

  TomlReader sub(const std::string& k) const {
    auto* n = t_->get(k);
    if (!n) throw error_at(file_, key(k), "missing table");
    auto* tt = n->as_table();
    if (!tt) throw error_at(file_, key(k), "expected a table");
    return TomlReader(*tt, file_, key(k));
  }
  std::optional<TomlReader> opt_sub(const std::string& k) const {
    if (!has(k)) return std::nullopt;
    return sub(k);
  }

  int64_t integer(const std::string& k, std::optional<int64_t> def = {}, int64_t lo = INT64_MIN,
                  int64_t hi = INT64_MAX) const {
    auto* n = t_->get(k);
    if (!n) {
      if (def) return *def;
      throw error_at(file_, key(k), "missing (expected an integer)");
    }
    // kind first: value<int64_t>() of a float such as 1e26 is an out-of-range conversion
    // (undefined behaviour, found by fuzz_model_toml)
    if (!n->is_integer()) throw error_at(file_, key(k), "expected an integer");
    auto v = n->value<int64_t>();
    if (!v) throw error_at(file_, key(k), "expected an integer");
    if (*v < lo || *v > hi)
      throw error_at(file_, key(k), "value {} out of range [{}, {}]", *v, lo, hi);
    return *v;
  }
  double number(const std::string& k, std::optional<double> def = {},
                double lo = -1e308, double hi = 1e308) const {
    auto* n = t_->get(k);
    if (!n) {
      if (def) return *def;
      throw error_at(file_, key(k), "missing (expected a number)");
    }
    auto v = n->value<double>();
    if (!v) throw error_at(file_, key(k), "expected a number");
    if (!(*v >= lo && *v <= hi))
      throw error_at(file_, key(k), "value {} out of range [{}, {}]", *v, lo, hi);
    return *v;
  }
  // A physical quantity written as a string with its unit ("64 KiB", "2 um"); returns SI.
  // A bare number, a wrong dimension or a value outside [lo, hi] (SI) is an error.
  double quantity(const std::string& k, const Dim& expected, std::optional<double> def = {},
                  double lo = -1e308, double hi = 1e308) const {
    auto* n = t_->get(k);
    if (!n) {
      if (def) return *def;
      throw error_at(file_, key(k), "missing (expected a {})", dim_name(expected));
    }
    if (!n->is_string())
      throw error_at(file_, key(k), "expected a {} written with its unit as a string", dim_name(expected));
    double v;
    try {
      v = parse_quantity_as(*n->value<std::string>(), expected);
    } catch (const Error& e) {
      throw error_at(file_, key(k), "{}", printable(e.what()));
    }
    if (!(v >= lo && v <= hi))
      throw error_at(file_, key(k), "'{}' out of range", printable(*n->value<std::string>()));
    return v;
  }
  // The same with the bounds written in a unit ("0.01 um^2", "100 um^2"), so an error says
  // what range was expected in the unit a user writes.
  double quantity(const std::string& k, const Dim& expected, const std::string& lo,
                  const std::string& hi) const {
    const double v = quantity(k, expected, std::nullopt, -1e308, 1e308);
    if (!(v >= parse_quantity_as(lo, expected) && v <= parse_quantity_as(hi, expected)))
      throw error_at(file_, key(k), "'{}' out of range, expected {} to {}",
                     printable(*t_->get(k)->value<std::string>()), lo, hi);
    return v;
  }
  bool boolean(const std::string& k, std::optional<bool> def = {}) const {
    auto* n = t_->get(k);
    if (!n) {
      if (def) return *def;
      throw error_at(file_, key(k), "missing (expected true or false)");
    }
    auto v = n->value<bool>();
    if (!v || !n->is_boolean()) throw error_at(file_, key(k), "expected true or false");
    return *v;
  }
  std::string string(const std::string& k, std::optional<std::string> def = {}) const {
    auto* n = t_->get(k);
    if (!n) {
      if (def) return *def;
      throw error_at(file_, key(k), "missing (expected a string)");
    }
    auto v = n->value<std::string>();
    if (!v || !n->is_string()) throw error_at(file_, key(k), "expected a string");
    return *v;
  }
  template <typename T>
  std::vector<T> array(const std::string& k, std::optional<std::vector<T>> def = {}) const {
    auto* n = t_->get(k);
    if (!n) {
      if (def) return *def;
      throw error_at(file_, key(k), "missing (expected an array)");
    }
    auto* a = n->as_array();
    if (!a) throw error_at(file_, key(k), "expected an array");
    std::vector<T> out;
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = (*a)[i];
      // value<T>() converts freely (true -> 1, 2.0 -> 2, 1 -> true); accept only matching kinds.
      bool kind_ok = true;
      if constexpr (std::is_same_v<T, bool>)
        kind_ok = e.is_boolean();
      else if constexpr (std::is_integral_v<T>)
        kind_ok = e.is_integer();
      else if constexpr (std::is_floating_point_v<T>)
        kind_ok = e.is_number();
      if (!kind_ok)  // before value<T>(): converting 1e26 to an integer is undefined
        throw error_at(file_, key(k) + "[" + std::to_string(i) + "]", "wrong element type");
      auto v = e.value<T>();
      if (!v)
        throw error_at(file_, key(k) + "[" + std::to_string(i) + "]", "wrong element type");
      out.push_back(*v);
    }
    return out;
  }
  // Rejects keys not in `allowed` (catches typos such as "treshold").
  void only(std::initializer_list<const char*> allowed) const {
    for (auto& [k, v] : *t_) {
      bool ok = false;
      for (auto* a : allowed) ok |= (k.str() == a);
      if (!ok) throw error_at(file_, printable(key(std::string(k.str()))), "unknown key");
    }
  }

 private:
  const toml::table* t_;
  std::string file_;
  std::string prefix_;
};

// Parses a TOML file; syntax errors name the file, line and column.
toml::table parse_toml_file(const std::string& path);
toml::table parse_toml_text(const std::string& text, const std::string& origin);

}  // namespace ss
