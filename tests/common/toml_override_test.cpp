#include <gtest/gtest.h>

#include "common/error.h"
#include "common/toml_get.h"
#include "common/toml_override.h"

using namespace ss;

TEST(TomlOverride, SetsExistingKeysOnly) {
  auto t = parse_toml_text("[bond]\npitch = \"5 um\"\nr = \"3 ohm\"\n[wire]\n[wire.local]\nc = 1\n", "t.toml");
  apply_toml_override(t, "t.toml", "bond.pitch=1 um");
  apply_toml_override(t, "t.toml", "bond.r=\"2 ohm\"");
  apply_toml_override(t, "t.toml", "wire.local.c=2.5");
  EXPECT_EQ(t["bond"]["pitch"].value<std::string>(), "1 um");
  EXPECT_EQ(t["bond"]["r"].value<std::string>(), "2 ohm");
  EXPECT_DOUBLE_EQ(*t["wire"]["local"]["c"].value<double>(), 2.5);
  auto msg = [&](const std::string& kv) {
    try {
      apply_toml_override(t, "t.toml", kv);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(msg("bond.pich=1 um").find("t.toml: --set bond.pich: unknown key 'bond.pich'"), std::string::npos);
  EXPECT_NE(msg("bond=3").find("is a table"), std::string::npos);
  EXPECT_NE(msg("bond.pitch.x=3").find("not a table"), std::string::npos);
  EXPECT_NE(msg("nothing").find("expected key=value"), std::string::npos);
}

TEST(TomlOverride, SplitsByTarget) {
  std::vector<std::string> a{"keep=1"}, t;
  split_overrides({"se_cores.count=4", "tech.bond.pitch=2 um", "technology=x", "tech.=y"}, a, t);
  EXPECT_EQ(a, (std::vector<std::string>{"keep=1", "se_cores.count=4", "technology=x"}));
  EXPECT_EQ(t, (std::vector<std::string>{"bond.pitch=2 um", "=y"}));
}
