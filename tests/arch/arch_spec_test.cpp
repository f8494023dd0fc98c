// The architecture loader: shipped files load, overrides apply, every bad input is one clear
// error naming file and key.
#include "arch/arch_spec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "common/error.h"

namespace {

std::string path(const char* rel) { return std::string(SS_SOURCE_DIR) + "/" + rel; }

std::string error_of(const std::vector<std::string>& sets, const char* file = "configs/arch/small.toml") {
  try {
    ss::arch::load_arch(path(file), sets);
  } catch (const ss::Error& e) {
    return e.what();
  }
  return "";
}

TEST(ArchSpec, PaperMatchesThePaper) {
  auto a = ss::arch::load_arch(path("configs/arch/paper.toml"));
  EXPECT_EQ(a.se.count, 4);         // four SE cores
  EXPECT_EQ(a.attention.count, 4);  // four attention cores
  EXPECT_EQ(a.weight_bits, 8);
  EXPECT_EQ(a.acc_bits, 16);
  EXPECT_DOUBLE_EQ(a.clock_hz, 500e6);
  EXPECT_EQ(a.se.impl, "st_systolic");
  EXPECT_EQ(a.spike_gen.tier, ss::arch::Tier::top);
  EXPECT_DOUBLE_EQ(a.buffer("weight").size_bits, 8.0 * 1024 * 1024);
  EXPECT_EQ(a.buffer("weight").width_bits, 256);
  EXPECT_EQ(a.noc.width_bits, 1024);
  EXPECT_FALSE(a.offchip.modelled());  // the paper gives no off-chip memory (docs/arch.md)
}

TEST(ArchSpec, OverridesAndAlias) {
  auto a = ss::arch::load_arch(path("configs/arch/small.toml"),
                               {"se_cores.count=8", "buffers.weight.size=\"2 KiB\"",
                                "buffers.spike.size=4 KiB", "attention_cores=3",
                                "mapping.head_pruning=true", "arch.clock = \"200 MHz\""});
  EXPECT_EQ(a.se.count, 8);
  EXPECT_EQ(a.attention.count, 3);
  EXPECT_DOUBLE_EQ(a.buffer("weight").size_bits, 2 * 8192.0);
  EXPECT_DOUBLE_EQ(a.buffer("spike").size_bits, 4 * 8192.0);
  EXPECT_TRUE(a.head_pruning);
  EXPECT_DOUBLE_EQ(a.clock_hz, 200e6);
  // the off-chip memory: set, or absent from the file (not modelled: fills take no time)
  a = ss::arch::load_arch(path("configs/arch/small.toml"),
                          {"offchip.width=\"16 bits\"", "offchip.latency_cycles=10"});
  EXPECT_EQ(a.offchip.width_bits, 16);
  EXPECT_EQ(a.offchip.latency_cycles, 10);
  std::ifstream f(path("configs/arch/small.toml"));
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_NE(text.find("[offchip]"), std::string::npos);
  a = ss::arch::parse_arch(text.substr(0, text.find("[offchip]")), "no-offchip.toml");
  EXPECT_FALSE(a.offchip.modelled());
}

TEST(ArchSpec, Errors) {
  // bad unit
  auto e = error_of({"buffers.weight.size=\"64 MHz\""});
  EXPECT_NE(e.find("small.toml: buffers.weight.size"), std::string::npos) << e;
  EXPECT_NE(e.find("expected a size"), std::string::npos) << e;
  e = error_of({"arch.clock=\"5 ns\""});
  EXPECT_NE(e.find("arch.clock"), std::string::npos) << e;
  // bare number where a unit is required
  e = error_of({"noc.width=64"});
  EXPECT_NE(e.find("noc.width"), std::string::npos) << e;
  // unknown keys, in the file's tables and through --set
  e = error_of({"se_cores.colz=4"});
  EXPECT_NE(e.find("se_cores.colz"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
  e = error_of({"buffers.scratch.size=\"1 KiB\""});
  EXPECT_NE(e.find("buffers.scratch"), std::string::npos) << e;
  // impossible values
  e = error_of({"buffers.weight.banks=0"});
  EXPECT_NE(e.find("buffers.weight.banks"), std::string::npos) << e;
  e = error_of({"buffers.weight.width=\"24 bits\""});  // 24 x 2 banks does not divide 1 KiB
  EXPECT_NE(e.find("buffers.weight.size"), std::string::npos) << e;
  EXPECT_NE(e.find("whole number of rows"), std::string::npos) << e;
  // a width beyond an int (the fuzzer's 2.5e13 bits once overflowed the conversion)
  e = error_of({"noc.width=\"25 Tbit\""});
  EXPECT_NE(e.find("small.toml: noc.width"), std::string::npos) << e;
  e = error_of({"se_cores.rows=0"});
  EXPECT_NE(e.find("se_cores.rows"), std::string::npos) << e;
  e = error_of({"se_cores.tier=\"middle\""});
  EXPECT_NE(e.find("se_cores.tier"), std::string::npos) << e;
  e = error_of({"arch.acc_bits=8"});
  EXPECT_NE(e.find("arch.acc_bits"), std::string::npos) << e;
  e = error_of({"mapping.head_keep=0"});
  EXPECT_NE(e.find("mapping.head_keep"), std::string::npos) << e;
  // the off-chip memory: a width in bits, a latency of at least 0
  e = error_of({"offchip.width=\"0 bits\""});
  EXPECT_NE(e.find("small.toml: offchip.width"), std::string::npos) << e;
  e = error_of({"offchip.latency_cycles=-1"});
  EXPECT_NE(e.find("offchip.latency_cycles"), std::string::npos) << e;
  e = error_of({"offchip.speed=3"});
  EXPECT_NE(e.find("offchip.speed"), std::string::npos) << e;
  e = error_of({"attention_cores.order=\"sideways\""});
  EXPECT_NE(e.find("attention_cores.order"), std::string::npos) << e;
  // unknown impl lists the registered ones
  e = error_of({"buffers.spike.impl=\"dram\""});
  EXPECT_NE(e.find("buffers.spike.impl"), std::string::npos) << e;
  EXPECT_NE(e.find("registered: sram"), std::string::npos) << e;
  e = error_of({"se_cores.impl=\"magic\""});
  EXPECT_NE(e.find("st_systolic"), std::string::npos) << e;
  // malformed --set
  e = error_of({"se_cores.count"});
  EXPECT_NE(e.find("key=value"), std::string::npos) << e;
  e = error_of({"router=3"});  // a table without a count
  EXPECT_NE(e.find("router"), std::string::npos) << e;
  // missing table
  try {
    ss::arch::parse_arch("[arch]\nname = \"x\"\nclock = \"1 GHz\"\n", "mini.toml");
    ADD_FAILURE();
  } catch (const ss::Error& x) {
    EXPECT_NE(std::string(x.what()).find("mini.toml: se_cores"), std::string::npos) << x.what();
  }
}

}  // namespace
