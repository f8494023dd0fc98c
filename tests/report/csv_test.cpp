// The CSV tables hold exactly the document's numbers: parse them back and compare with the
// JSON fixture, field by field.
#include "report/csv.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_test_util.h"

using namespace ss::report;
using nlohmann::json;

namespace {

std::vector<std::vector<std::string>> rows(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {  // the fixture has no quoted line breaks
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cur += '"', ++i;
      else if (c == '"')
        quoted = !quoted;
      else if (c == ',' && !quoted)
        f.push_back(cur), cur.clear();
      else
        cur += c;
    }
    f.push_back(cur);
    out.push_back(f);
  }
  return out;
}

std::map<std::string, std::vector<std::vector<std::string>>> tables(const json& doc) {
  std::map<std::string, std::vector<std::vector<std::string>>> t;
  for (const auto& c : csv_tables(parse_document(doc))) t[c.file] = rows(c.text);
  return t;
}

}  // namespace

TEST(Csv, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("weight SRAM"), "weight SRAM");
  EXPECT_EQ(csv_field("NoC, wires"), "\"NoC, wires\"");
  EXPECT_EQ(csv_field("a \"b\""), "\"a \"\"b\"\"\"");
  EXPECT_EQ(csv_number(0.1), "0.1");
  EXPECT_EQ(csv_number(61500), "61500");
  EXPECT_EQ(std::stod(csv_number(1.0 / 3)), 1.0 / 3);  // round trip
}

TEST(Csv, MetricsEqualTheJsonAndChangesAreAgainstTheFirstStyle) {
  json doc = ss::report::test::fixture();
  auto t = tables(doc);
  const auto& m = t.at("metrics.csv");
  EXPECT_EQ(m[0], (std::vector<std::string>{"style", "metric", "unit", "value", "change_vs_2d_pct",
                                            "change_vs_2d_abs"}));
  size_t checked = 0;
  for (size_t r = 1; r < m.size(); ++r) {
    const auto& row = m[r];
    const json* style = nullptr;
    for (const auto& s : doc["styles"])
      if (s["name"] == row[0]) style = &s;
    ASSERT_NE(style, nullptr) << row[0];
    double v = (*style)["metrics"][row[1]].get<double>();
    double base = doc["styles"][0]["metrics"][row[1]].get<double>();
    EXPECT_EQ(std::stod(row[3]), v) << row[0] << " " << row[1];
    EXPECT_DOUBLE_EQ(std::stod(row[4]), (v - base) / base * 100) << row[0] << " " << row[1];
    EXPECT_DOUBLE_EQ(std::stod(row[5]), v - base) << row[0] << " " << row[1];
    ++checked;
  }
  EXPECT_EQ(checked, doc["styles"].size() * 9);
  // one hand-checked change: 3D-MoL energy 9.25 uJ vs 2D 11.1 uJ -> -16.666...%
  bool found = false;
  for (const auto& row : m)
    if (row[0] == "3d-mol" && row[1] == "energy_uj") {
      EXPECT_EQ(std::stod(row[3]), 9.25);
      EXPECT_NEAR(std::stod(row[4]), (9.25 - 11.1) / 11.1 * 100, 1e-12);
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(Csv, BreakdownsLayersFiringAndExpertsEqualTheJson) {
  json doc = ss::report::test::fixture();
  auto t = tables(doc);
  for (auto [file, key, value] :
       {std::tuple{"energy_breakdown.csv", "energy_breakdown", "energy_uj"},
        std::tuple{"area_breakdown.csv", "area_breakdown", "area_mm2"}}) {
    const auto& rows = t.at(file);
    size_t r = 1;
    for (const auto& s : doc["styles"])
      for (const auto& p : s[key]) {
        ASSERT_LT(r, rows.size()) << file;
        EXPECT_EQ(rows[r][0], s["name"].get<std::string>());
        EXPECT_EQ(rows[r][1], p["component"].get<std::string>());
        EXPECT_EQ(rows[r][2], p["tier"].get<std::string>());
        EXPECT_EQ(std::stod(rows[r][3]), p[value].get<double>());
        ++r;
      }
    EXPECT_EQ(r, rows.size()) << file;
  }
  const auto& layers = t.at("layers.csv");
  const auto& firing = t.at("firing.csv");
  ASSERT_EQ(layers.size(), doc["layers"].size() + 1);
  size_t fr = 1;
  for (size_t i = 0; i < doc["layers"].size(); ++i) {
    const auto& l = doc["layers"][i];
    EXPECT_EQ(layers[i + 1][0], l["name"].get<std::string>());
    EXPECT_EQ(std::stod(layers[i + 1][2]), l["cycles"].get<double>());
    for (size_t s = 0; s < l["rate_per_step"].size(); ++s) {
      double rate = l["rate_per_step"][s].get<double>();
      EXPECT_EQ(std::stod(layers[i + 1][3 + s]), rate);
      EXPECT_EQ(firing[fr][0], l["name"].get<std::string>());
      EXPECT_EQ(firing[fr][1], std::to_string(s));
      EXPECT_EQ(std::stod(firing[fr][2]), rate);
      ++fr;
    }
  }
  EXPECT_EQ(fr, firing.size());
  const auto& experts = t.at("experts.csv");
  size_t er = 1;
  EXPECT_EQ(experts[0], (std::vector<std::string>{"block", "expert", "fraction", "measure"}));
  for (const auto& [key, measure] :
       {std::pair{"expert_usage", "routed"}, {"expert_gating", "gate_open"}})
    for (const auto& [block, usage] : doc[key].items())
      for (size_t e = 0; e < usage.size(); ++e, ++er) {
        EXPECT_EQ(experts[er][0], block);
        EXPECT_EQ(experts[er][1], std::to_string(e));
        EXPECT_EQ(std::stod(experts[er][2]), usage[e].get<double>());
        EXPECT_EQ(experts[er][3], measure);
      }
  EXPECT_EQ(er, 1 + 4 + 4 + 4u);  // header, blocks.0, blocks.1, blocks.0.attn
  EXPECT_EQ(er, experts.size());
}

TEST(Csv, ThermalCellsAreRowMajorWithRowZeroAtYZero) {
  json doc = ss::report::test::fixture();
  auto t = tables(doc);
  const auto& th = t.at("thermal.csv");
  const auto& map = doc["styles"][1]["thermal"][0];
  int nx = map["nx"], ny = map["ny"];
  size_t first = 1 + size_t(doc["styles"][0]["thermal"][0]["nx"].get<int>() *
                            doc["styles"][0]["thermal"][0]["ny"].get<int>());
  // cell (ix 3, iy 2) of style 1's first map
  const auto& row = th[first + 2 * size_t(nx) + 3];
  EXPECT_EQ(row[0], doc["styles"][1]["name"].get<std::string>());
  EXPECT_EQ(row[2], "3");
  EXPECT_EQ(row[3], "2");
  EXPECT_EQ(std::stod(row[6]), map["celsius"][2 * nx + 3].get<double>());
  EXPECT_DOUBLE_EQ(std::stod(row[5]), 2.5 * map["height_mm"].get<double>() / ny);
}
