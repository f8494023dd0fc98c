#include <gtest/gtest.h>

#include "common/error.h"
#include "common/toml_get.h"
#include "common/units.h"

using namespace ss;

TEST(Units, ParsesPrefixesAndCompounds) {
  EXPECT_DOUBLE_EQ(parse_quantity_as("64 KiB", dim::bits), 64 * 1024 * 8);
  EXPECT_DOUBLE_EQ(parse_quantity_as("16 bits", dim::bits), 16);
  EXPECT_DOUBLE_EQ(parse_quantity_as("500 MHz", dim::frequency), 5e8);
  EXPECT_DOUBLE_EQ(parse_quantity_as("0.6 fF", dim::capacitance), 0.6e-15);
  EXPECT_DOUBLE_EQ(parse_quantity_as("3 ohm", dim::resistance), 3);
  EXPECT_DOUBLE_EQ(parse_quantity_as("5um", dim::length), 5e-6);
  EXPECT_NEAR(parse_quantity_as("2 mm^2", dim::area), 2e-6, 1e-20);
  EXPECT_NEAR(parse_quantity_as("2 mm2", dim::area), 2e-6, 1e-20);
  EXPECT_NEAR(parse_quantity_as("0.2 ohm/um", dim::resistance_per_length), 2e5, 1e-6);
  EXPECT_NEAR(parse_quantity_as("1.2 W/(m*K)", dim::thermal_conductivity), 1.2, 1e-12);
  EXPECT_NEAR(parse_quantity_as("1.75e6 J/(m^3*K)", dim::volumetric_heat_capacity), 1.75e6, 1e-6);
  EXPECT_NEAR(parse_quantity_as("0.1 pJ/bit", dim::energy_per_bit), 1e-13, 1e-25);
  EXPECT_NEAR(parse_quantity_as("25 ns", dim::time), 25e-9, 1e-20);
  EXPECT_NEAR(parse_quantity_as("3 mW", dim::power), 3e-3, 1e-15);
  EXPECT_NEAR(parse_quantity_as("0.9 V", dim::voltage), 0.9, 1e-15);
  EXPECT_NEAR(to_unit(5e-6, "um"), 5, 1e-12);
  EXPECT_NEAR(to_unit(2e-6, "mm^2"), 2, 1e-12);
}

TEST(Units, RejectsWrongOrUnknownUnits) {
  EXPECT_THROW(parse_quantity_as("5 MHz", dim::length), Error);
  EXPECT_THROW(parse_quantity_as("5", dim::length), Error);
  EXPECT_THROW(parse_quantity_as("5 furlong", dim::length), Error);
  EXPECT_THROW(parse_quantity_as("5 Kim", dim::length), Error);  // binary prefix on a length
  EXPECT_THROW(parse_quantity_as("abc um", dim::length), Error);
  EXPECT_THROW(parse_quantity_as("5 W/(m*K", dim::thermal_conductivity), Error);
  try {
    parse_quantity_as("5 MHz", dim::length);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected a length"), std::string::npos) << e.what();
  }
}

// Found by fuzz_arch_toml: "5 K^-888888888" looped for 106 s, exponents wrapped in int8 (so a
// length to the 256th was a dimensionless number) and nested '(' recursed without bound.
TEST(Units, PowersAndNestingAreBounded) {
  auto message = [](const std::string& text, const Dim& d) {
    try {
      parse_quantity_as(text, d);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("5 K^-888888888", dim::temperature).find("power from -12 to 12"),
            std::string::npos);
  // m^8^... : (m^8)^8 = m^64 would wrap to 64, ((m^8)^8)^4 = m^256 to m^0 = a plain number
  EXPECT_NE(message("5 ((m^8)^8)^4", dim::none).find("power is 64"), std::string::npos);
  EXPECT_NE(message("5 m^12*m", dim::length).find("power is 13"), std::string::npos);
  EXPECT_NE(message("1 " + std::string(17, '(') + "m" + std::string(17, ')'), dim::length)
                .find("more than 16 nested"),
            std::string::npos);
  EXPECT_NE(message("1 (Tm^12/um^12)^12", dim::none).find("range of a double"), std::string::npos);
  // inside the bounds, unchanged: 12 nested groups, m^12 / m^11 = m
  EXPECT_DOUBLE_EQ(parse_quantity_as("3 " + std::string(12, '(') + "um" + std::string(12, ')'),
                   dim::length), 3e-6);
  EXPECT_DOUBLE_EQ(parse_quantity_as("2 m^12/m^11", dim::length), 2);
}

TEST(Units, TomlReaderQuantityNamesFileAndKey) {
  auto t = parse_toml_text("[glb]\nsize = \"64 KiB\"\nbad = \"64 MHz\"\nbare = 64\n", "a.toml");
  TomlReader r(t, "a.toml");
  auto g = r.sub("glb");
  EXPECT_DOUBLE_EQ(g.quantity("size", dim::bits), 524288);
  EXPECT_DOUBLE_EQ(g.quantity("missing", dim::bits, 8.0), 8);
  try {
    g.quantity("bad", dim::bits);
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("a.toml: glb.bad"), std::string::npos) << m;
  }
  EXPECT_THROW(g.quantity("bare", dim::bits), Error);
  EXPECT_THROW(g.quantity("size", dim::bits, {}, 0, 1000), Error);
}

TEST(Units, UnnamedDimensionsSpellTheirBaseUnits) {
  EXPECT_EQ(dim_name(dim::length * dim::time), "unit m*s");
  EXPECT_EQ(dim_name(dim::length * dim::length * dim::mass / dim::bits), "unit m^2*kg*bit^-1");
  EXPECT_EQ(dim_name(dim::current / dim::temperature / dim::temperature), "unit A*K^-2");
}
