// Validation: the fixture parses; every malformed field is an ss::Error naming the source and
// the JSON path of the field.
#include "report/document.h"

#include <gtest/gtest.h>

#include <cctype>

#include "common/error.h"
#include "report_test_util.h"

using namespace ss::report;
using nlohmann::json;

TEST(Document, FixtureParses) {
  Document d = parse_document(ss::report::test::fixture());
  ASSERT_EQ(d.styles.size(), 3u);
  EXPECT_EQ(d.styles[0].name, "2d");
  EXPECT_EQ(d.styles[0].metrics.size(), 9u);
  EXPECT_EQ(d.styles[0].metrics[0].key, "latency_us");  // catalogue order
  EXPECT_EQ(d.time_steps(), 4);
  EXPECT_EQ(d.styles[1].thermal.size(), 2u);
  EXPECT_DOUBLE_EQ(*d.accuracy_int, 0.881);
}

TEST(Document, ChangeIsRelativeToTheBaseline) {
  EXPECT_DOUBLE_EQ(*change_pct(75, 100), -25);
  EXPECT_DOUBLE_EQ(*change_pct(120, 100), 20);
  EXPECT_FALSE(change_pct(1, 0));
}

TEST(Document, NaturalOrder) {
  EXPECT_TRUE(natural_less("blocks.2", "blocks.10"));
  EXPECT_FALSE(natural_less("blocks.10", "blocks.2"));
  EXPECT_TRUE(natural_less("a", "b"));
  EXPECT_TRUE(natural_less("blocks.1", "blocks.1.x"));
}

struct Bad {
  const char* pointer;  // JSON pointer of the field to change
  json value;           // new value; null with erase=true removes the field
  bool erase;
  const char* path;  // what the error must name
  const char* what;
};

void PrintTo(const Bad& b, std::ostream* os) { *os << b.pointer; }

class DocumentErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(DocumentErrors, NameTheJsonPath) {
  const Bad& b = GetParam();
  json doc = ss::report::test::fixture();
  json::json_pointer p(b.pointer);
  if (b.erase)
    doc[p.parent_pointer()].erase(p.back());
  else
    doc[p] = b.value;
  try {
    parse_document(doc, "r.json");
    FAIL() << "no error for " << b.pointer;
  } catch (const ss::Error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("r.json: ", 0), 0u) << m;
    EXPECT_NE(m.find(std::string(": ") + b.path + ": "), std::string::npos) << m;
    EXPECT_NE(m.find(b.what), std::string::npos) << m;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Report, DocumentErrors,
    ::testing::Values(
        Bad{"/schema", "spikestack.report/0", false, "schema", "expected \"spikestack.report/1\""},
        Bad{"/title", nullptr, true, "title", "missing field"},
        Bad{"/inputs/samples", "2000", false, "inputs.samples",
            "expected an integer, got a string"},
        Bad{"/inputs/samples", -1, false, "inputs.samples", "expected an integer >= 0"},
        Bad{"/accuracy/float", 88.3, false, "accuracy.float", "fraction in [0, 1]"},
        Bad{"/layers", json::array(), false, "layers", "non-empty array"},
        Bad{"/layers/2/cycles", "many", false, "layers[2].cycles",
            "expected a number, got a string"},
        Bad{"/layers/3/rate_per_step/1", 1.5, false, "layers[3].rate_per_step[1]", "in [0, 1]"},
        Bad{"/layers/4/rate_per_step", json::array({0.1, 0.2}), false, "layers[4].rate_per_step",
            "expected 4 time steps"},
        Bad{"/expert_usage/blocks.1/2", "x", false, "expert_usage.blocks.1[2]",
            "expected a number"},
        Bad{"/expert_gating/blocks.0.attn/1", 1.2, false, "expert_gating.blocks.0.attn[1]",
            "in [0, 1]"},
        Bad{"/expert_gating", json::array(), false, "expert_gating", "an object"},
        Bad{"/styles/1/metrics/energy_uj", nullptr, true, "styles[1].metrics.energy_uj",
            "missing field"},
        Bad{"/styles/2/metrics/power_mw", true, false, "styles[2].metrics.power_mw",
            "got a boolean"},
        Bad{"/styles/1/name", "2d", false, "styles[1].name", "appears twice"},
        Bad{"/styles/0/energy_breakdown/1/tier", "middle", false,
            "styles[0].energy_breakdown[1].tier", "\"bottom\" or \"top\""},
        Bad{"/styles/1/area_breakdown/0/area_mm2", -2, false,
            "styles[1].area_breakdown[0].area_mm2", ">= 0"},
        Bad{"/styles/2/thermal/1/nx", 15, false, "styles[2].thermal[1].celsius",
            "nx*ny = 15*16 = 240"},
        Bad{"/styles/2/thermal/0/width_mm", 0, false, "styles[2].thermal[0].width_mm", "positive"},
        // 2^32 + 16 once wrapped to 16 and matched the 16 x 16 grid; 2^32 to 0 (a null read)
        Bad{"/styles/2/thermal/1/nx", 4294967312LL, false, "styles[2].thermal[1].nx",
            "expected an integer in [1, 4096], got 4294967312"},
        Bad{"/styles/1/thermal/0/ny", -4294967280LL, false, "styles[1].thermal[0].ny",
            "expected an integer in [1, 4096]"},
        Bad{"/styles/0/thermal/0/nx", 4097, false, "styles[0].thermal[0].nx", "in [1, 4096]"},
        // 1e308 was accepted and the page failed with "negative precision" in a chart's ticks
        Bad{"/styles/1/metrics/energy_uj", 1e308, false, "styles[1].metrics.energy_uj",
            "expected a magnitude of at most 1e+15, got 1e+308"},
        Bad{"/layers/0/cycles", 2e15, false, "layers[0].cycles", "at most 1e+15"},
        Bad{"/styles/0/thermal", json::object(), false, "styles[0].thermal",
            "expected an array, got an object"}),
    [](const ::testing::TestParamInfo<Bad>& info) {  // test name: the path, alphanumerics only
      std::string n;
      for (char c : std::string(info.param.path))
        n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n + "_" + std::to_string(info.index);
    });

TEST(Document, ExtraMetricsMustExistInEveryStyle) {
  json doc = ss::report::test::fixture();
  doc["styles"][0]["metrics"]["edp_uj_us"] = 1.0;
  try {
    parse_document(doc, "r.json");
    FAIL();
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("styles[1].metrics.edp_uj_us"), std::string::npos)
        << e.what();
  }
  for (auto& s : doc["styles"]) s["metrics"]["edp_uj_us"] = 1.0;
  Document d = parse_document(doc);
  EXPECT_EQ(d.styles[2].metrics.back().key, "edp_uj_us");
}

TEST(Document, RootMustBeAnObject) {
  EXPECT_THROW(parse_document(json::array(), "r.json"), ss::Error);
}

// nx = 2^32 with no values was read as a 0 x 16 grid that matched the empty array; the
// figures then read cell (0, 0) of it.
TEST(Document, ThermalGridSizeIsRangeCheckedBeforeUse) {
  json doc = ss::report::test::fixture();
  doc["styles"][1]["thermal"][0]["nx"] = 4294967296LL;
  doc["styles"][1]["thermal"][0]["celsius"] = json::array();
  try {
    parse_document(doc, "r.json");
    FAIL() << "accepted nx = 2^32";
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("r.json: styles[1].thermal[0].nx: expected an integer in "
                                         "[1, 4096], got 4294967296"),
              std::string::npos)
        << e.what();
  }
}

// The count in the message is the product of the two sizes, not a wrapped 32-bit one.
TEST(Document, ThermalGridCountInTheMessageDoesNotWrap) {
  json doc = ss::report::test::fixture();
  doc["styles"][1]["thermal"][0]["nx"] = 4096;
  doc["styles"][1]["thermal"][0]["ny"] = 4096;
  try {
    parse_document(doc, "r.json");
    FAIL() << "accepted 256 values for a 4096 x 4096 grid";
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected nx*ny = 4096*4096 = 16777216 values, got 256"),
              std::string::npos)
        << e.what();
  }
}
