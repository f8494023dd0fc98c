// Toggle files for the open flow's power (`scripts/flow/flow.py --activity`, priced by
// scripts/flow/spikes.py; docs/flow.md, "Power with real spike activity"): a traced run's VCD
// read back as per-bit toggles per cycle, named as the flow names the flattened nets, with what
// Verilator traces that is no net of the synthesized netlist left out. Shared by
// tests/rtl/se_unit_tb.cpp (se_unit, se_tile_x2) and tests/rtl/flow_activity_tb.cpp
// (attention_core, router_topk, se_array, se_tile).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/files.h"
#include "model_fixture.h"

namespace ss::rtl_test {

// Per-bit toggles of every signal under `scope` in a VCD, named relative to it as RTL paths
// ("u_array.g_row[0].g_col[1].u_pe.psum_o[3]", Verilator's "g_row(0)" as brackets: yosys's
// flattened names, which the flow maps with flowlib.safe_name); bits that never toggle are
// listed (0), so that the flow prices a constant net at 0, not at the file's mean. Loop variables
// and parameters that the VCD types as such (integer, parameter) are left out: no net.
inline std::map<std::string, int64_t> vcd_toggles(const std::string& path,
                                                  const std::string& scope) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::map<std::string, std::vector<std::pair<std::string, int>>> vars;  // id -> (name, lsb)
  std::map<std::string, std::string> value;
  std::map<std::string, int> width;
  std::map<std::string, int64_t> toggles;
  std::vector<std::string> stack;
  std::string tok;
  auto norm = [](std::string n) {
    for (char& c : n) c = c == '(' ? '[' : (c == ')' ? ']' : c);
    return n;
  };
  auto bit = [](const std::string& name, int w, int b) {
    return w == 1 ? name : name + "[" + std::to_string(b) + "]";
  };
  auto change = [&](const std::string& id, std::string bits) {
    auto v = vars.find(id);
    if (v == vars.end()) return;
    const int w = width[id];
    if (int(bits.size()) < w)
      bits.insert(0, size_t(w) - bits.size(), bits[0] == '1' ? '0' : bits[0]);
    auto& old = value[id];
    if (!old.empty())
      for (int b = 0; b < w; ++b)
        if (old[size_t(w - 1 - b)] != bits[size_t(w - 1 - b)])
          for (const auto& [name, lsb] : v->second) ++toggles[bit(name, w, lsb + b)];
    old = bits;
  };
  while (in >> tok) {
    if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name >> tok;
      stack.push_back(norm(name));
    } else if (tok == "$upscope") {
      in >> tok;
      stack.pop_back();
    } else if (tok == "$var") {
      std::string type, id, name, rest;
      int w = 1;
      in >> type >> w >> id >> name;
      int lsb = 0;
      in >> rest;
      if (rest != "$end") {
        const auto colon = rest.find(':');
        lsb = std::stoi(rest.substr(colon == std::string::npos ? 1 : colon + 1));
        in >> rest;
      }
      std::string full;
      for (const auto& s : stack) full += s + ".";
      if (full.rfind(scope + ".", 0) == 0 && type != "integer" && type != "parameter") {
        const std::string n = full.substr(scope.size() + 1) + norm(name);
        vars[id].emplace_back(n, lsb);
        width[id] = w;
        for (int b = 0; b < w; ++b) toggles.emplace(bit(n, w, lsb + b), 0);
      }
    } else if (tok[0] == 'b') {
      std::string id;
      in >> id;
      change(id, tok.substr(1));
    } else if ((tok[0] == '0' || tok[0] == '1' || tok[0] == 'x' || tok[0] == 'z') &&
               tok.size() > 1) {
      change(tok.substr(1), tok.substr(0, 1));
    }
  }
  return toggles;
}

// What Verilator traces that is no net of the synthesized netlist: parameters (it writes them
// as wires; upper-case names, the RTL's rule) and loop variables (the `integer` declarations
// of the RTL files). Listed at zero toggles they would pull the file's mean rate down, which
// flow.py gives every net the file does not name and OpenSTA's internal power.
struct NotNets {
  std::set<std::string> integers;
  explicit NotNets(const std::vector<std::string>& rtl) {
    const std::regex decl(R"((^|[^\w])integer\s+([A-Za-z_][\w\s,]*);)");
    for (const auto& f : rtl) {
      std::ifstream in(src(f));
      EXPECT_TRUE(in.good()) << f;
      std::string line;
      while (std::getline(in, line)) {
        std::smatch mm;
        if (line.find("parameter") != std::string::npos || !std::regex_search(line, mm, decl))
          continue;
        std::stringstream names(mm[2].str());
        for (std::string n; std::getline(names, n, ',');) {
          n.erase(std::remove_if(n.begin(), n.end(), ::isspace), n.end());
          integers.insert(n);
        }
      }
    }
  }
  // `bit`: "g_row[0].g_col[1].u_pe.psum_o[3]"; its name is the last component, "psum_o"
  bool operator()(const std::string& bit) const {
    std::string n = bit;
    if (!n.empty() && n.back() == ']') n = n.substr(0, n.rfind('['));
    n = n.substr(n.rfind('.') == std::string::npos ? 0 : n.rfind('.') + 1);
    const bool upper =
        std::any_of(n.begin(), n.end(), ::isupper) && std::none_of(n.begin(), n.end(), ::islower);
    return upper || integers.count(n) > 0;
  }
};

// Inside a macro (the flow's black box: hw/sram_bank.v as instance u_bank or u_sbuf): its memory
// array and read register are no nets of the netlist (its ports are: rdata_o, addr_i, ...).
inline bool macro_inside(const std::string& n) {
  for (const char* inst : {"u_bank.", "u_sbuf."}) {
    const auto i = n.find(inst);
    if (i != std::string::npos) {
      const std::string rest = n.substr(i + std::string(inst).size());
      if (rest.rfind("mem_q", 0) == 0 || rest.rfind("rdata_q", 0) == 0) return true;
    }
  }
  return false;
}

// The toggle file: rates per cycle of every net bit under `scope` (the clock, at the top and in
// sub-modules, checked and left out; so are what `not_nets` and `skip` name); `mean` their mean.
// Removes the VCD.
inline nlohmann::json toggle_file(const std::string& vcd, const std::string& scope, int64_t cycles,
                                  double& mean, const NotNets& not_nets,
                                  bool (*skip)(const std::string&) = nullptr) {
  const auto tg = vcd_toggles(vcd, scope);
  EXPECT_GT(tg.size(), size_t(50));
  nlohmann::json nets = nlohmann::json::object();
  double sum = 0;
  for (const auto& [n, t] : tg) {
    const double rate = double(t) / double(cycles);
    if (n == "clk_i" || n.ends_with(".clk_i")) {
      EXPECT_EQ(t, 2 * cycles - 1) << n;
      continue;
    }
    if (not_nets(n) || (skip && skip(n))) continue;
    EXPECT_LE(rate, 1.0) << n;
    nets[n] = rate, sum += rate;
  }
  EXPECT_FALSE(nets.empty());
  mean = sum / double(nets.size());
  std::remove(vcd.c_str());
  return nets;
}


// results/rtl/<file>: the toggle file the stored rows of scripts/flow/spikes.py were priced
// with (tests/flow recomputes their rate from it). A test run never rewrites it, so that a run
// cannot leave the stored rows priced at another file: it must equal `text` byte for byte.
// SS_WRITE_TOGGLES=1 writes it instead, for re-pricing.
inline void check_or_write_toggles(const std::string& file, const std::string& text) {
  const auto path = src("results/rtl/" + file);
  const char* w = std::getenv("SS_WRITE_TOGGLES");
  if (w && std::string(w) == "1") {
    write_file_atomic(path, text);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " missing (SS_WRITE_TOGGLES=1 writes it)";
  std::stringstream stored;
  stored << in.rdbuf();
  EXPECT_EQ(stored.str(), text) << path << " differs from what the testbench writes: "
                                  << "SS_WRITE_TOGGLES=1, then re-price (scripts/flow/spikes.py)";
}

}  // namespace ss::rtl_test
