#include "common/toml_get.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "common/files.h"

namespace fs = std::filesystem;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ss::Error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << "message is not one line: " << m;
    return m;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ss::Error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected ss::Error, nothing was thrown";
  return "";
}

const char* kConfig = R"(
name = "tiny"
steps = 4

[model]
dim = 64
threshold = 1.0
bias = true
kind = "spiking"
layers = [1, 2, 3]
rates = [0.5, 1, 2.5]
tags = ["a", "b"]
big = 9223372036854775807

[model.attn]
heads = 4
scale = 0.125
dims = [8, 1.5]
flags = [true, 1]
ints = [1, true]
whole = [2.0]
)";

class TomlTest : public ::testing::Test {
 protected:
  toml::table t = ss::parse_toml_text(kConfig, "cfg.toml");
  ss::TomlReader root{t, "cfg.toml"};
};

TEST_F(TomlTest, TypedValuesAndDefaults) {
  EXPECT_EQ(root.string("name"), "tiny");
  EXPECT_EQ(root.integer("steps"), 4);
  EXPECT_EQ(root.file(), "cfg.toml");
  auto m = root.sub("model");
  EXPECT_EQ(m.integer("dim", {}, 1, 4096), 64);
  EXPECT_EQ(m.number("threshold"), 1.0);
  EXPECT_EQ(m.number("dim"), 64.0);  // integers are numbers
  EXPECT_TRUE(m.boolean("bias"));
  EXPECT_EQ(m.string("kind"), "spiking");
  EXPECT_EQ(m.integer("big"), INT64_MAX);
  EXPECT_EQ(m.array<int64_t>("layers"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(m.array<double>("rates"), (std::vector<double>{0.5, 1.0, 2.5}));
  EXPECT_EQ(m.array<std::string>("tags"), (std::vector<std::string>{"a", "b"}));
  // Defaults for absent keys.
  EXPECT_EQ(m.integer("absent", 7), 7);
  EXPECT_EQ(m.number("absent", 0.25), 0.25);
  EXPECT_FALSE(m.boolean("absent", false));
  EXPECT_EQ(m.string("absent", "dflt"), "dflt");
  EXPECT_EQ(m.array<int64_t>("absent", std::vector<int64_t>{9}), (std::vector<int64_t>{9}));
  EXPECT_TRUE(m.has("dim"));
  EXPECT_FALSE(m.has("absent"));
  EXPECT_EQ(m.key("dim"), "model.dim");
  auto a = m.sub("attn");
  EXPECT_EQ(a.key("heads"), "model.attn.heads");
  EXPECT_EQ(a.integer("heads"), 4);
  EXPECT_EQ(a.number("scale"), 0.125);
  EXPECT_TRUE(m.opt_sub("attn").has_value());
  EXPECT_FALSE(m.opt_sub("mlp").has_value());
}

// Checks that the message names the file and the dotted key, plus `what`.
void expect_names(const std::string& m, const std::string& key, const std::string& what) {
  EXPECT_NE(m.find("cfg.toml: " + key + ": "), std::string::npos) << m;
  EXPECT_NE(m.find(what), std::string::npos) << m;
}

TEST_F(TomlTest, WrongTypeNamesDottedKey) {
  auto a = root.sub("model").sub("attn");
  expect_names(error_of([&] { a.integer("scale"); }), "model.attn.scale", "expected an integer");
  expect_names(error_of([&] { a.integer("flags"); }), "model.attn.flags", "expected an integer");
  expect_names(error_of([&] { a.string("heads"); }), "model.attn.heads", "expected a string");
  expect_names(error_of([&] { a.boolean("heads"); }), "model.attn.heads", "expected true or false");
  expect_names(error_of([&] { a.array<int64_t>("heads"); }), "model.attn.heads",
               "expected an array");
  auto m = root.sub("model");
  expect_names(error_of([&] { m.number("kind"); }), "model.kind", "expected a number");
  expect_names(error_of([&] { m.number("bias"); }), "model.bias", "expected a number");
  expect_names(error_of([&] { m.integer("bias"); }), "model.bias", "expected an integer");
  expect_names(error_of([&] { m.boolean("dim"); }), "model.dim", "expected true or false");
  expect_names(error_of([&] { m.string("dim"); }), "model.dim", "expected a string");
  expect_names(error_of([&] { m.sub("dim"); }), "model.dim", "expected a table");
  expect_names(error_of([&] { m.opt_sub("kind"); }), "model.kind", "expected a table");
  expect_names(error_of([&] { m.sub("mlp"); }), "model.mlp", "missing table");
  expect_names(error_of([&] { m.integer("absent"); }), "model.absent", "missing");
  expect_names(error_of([&] { m.number("absent"); }), "model.absent", "missing");
  expect_names(error_of([&] { m.boolean("absent"); }), "model.absent", "missing");
  expect_names(error_of([&] { m.string("absent"); }), "model.absent", "missing");
  expect_names(error_of([&] { m.array<double>("absent"); }), "model.absent", "missing");
}

TEST_F(TomlTest, ArrayElementTypesAreStrict) {
  auto a = root.sub("model").sub("attn");
  expect_names(error_of([&] { a.array<int64_t>("dims"); }), "model.attn.dims[1]",
               "wrong element type");
  // A boolean is not a number, an integer is not a boolean, 2.0 is not an integer.
  expect_names(error_of([&] { a.array<bool>("flags"); }), "model.attn.flags[1]",
               "wrong element type");
  expect_names(error_of([&] { a.array<int64_t>("ints"); }), "model.attn.ints[1]",
               "wrong element type");
  expect_names(error_of([&] { a.array<double>("ints"); }), "model.attn.ints[1]",
               "wrong element type");
  expect_names(error_of([&] { a.array<int64_t>("whole"); }), "model.attn.whole[0]",
               "wrong element type");
  expect_names(error_of([&] { root.sub("model").array<std::string>("layers"); }), "model.layers[0]",
               "wrong element type");
  EXPECT_EQ(a.array<double>("dims"), (std::vector<double>{8.0, 1.5}));
}

TEST_F(TomlTest, OutOfRangeNamesDottedKeyAndBounds) {
  auto m = root.sub("model");
  expect_names(error_of([&] { m.integer("dim", {}, 1, 32); }), "model.dim",
               "value 64 out of range [1, 32]");
  expect_names(error_of([&] { m.integer("dim", {}, 65, 100); }), "model.dim", "out of range");
  expect_names(error_of([&] { m.number("threshold", {}, 0.0, 0.5); }), "model.threshold",
               "out of range [0, 0.5]");
  EXPECT_EQ(m.integer("dim", {}, 64, 64), 64);
  auto nan = ss::parse_toml_text("x = nan\ny = inf\n", "cfg.toml");
  ss::TomlReader r(nan, "cfg.toml", "top");
  expect_names(error_of([&] { r.number("x"); }), "top.x", "out of range");
  expect_names(error_of([&] { r.number("y"); }), "top.y", "out of range");
}

TEST_F(TomlTest, OnlyRejectsUnknownKeys) {
  auto m = root.sub("model");
  m.only({"dim", "threshold", "bias", "kind", "layers", "rates", "tags", "big", "attn"});
  expect_names(error_of([&] { m.only({"dim", "threshold"}); }), "model.attn", "unknown key");
  auto t = ss::parse_toml_text("[model.attn]\nheads = 1\ntreshold = 2\n", "cfg.toml");
  auto a = ss::TomlReader(t, "cfg.toml").sub("model").sub("attn");
  expect_names(error_of([&] {
                 a.only({"heads", "threshold"});
               }),
               "model.attn.treshold", "unknown key");
  ss::TomlReader(t, "cfg.toml").only({"model"});
}

TEST(TomlParse, SyntaxErrorNamesFileLineColumn) {
  auto m = error_of([] { ss::parse_toml_text("a = 1\nb = = 2\n", "bad.toml"); });
  EXPECT_EQ(m.rfind("bad.toml:2:", 0), 0u) << m;
  m = error_of([] { ss::parse_toml_text("a = 1\na = 2\n", "dup.toml"); });
  EXPECT_EQ(m.rfind("dup.toml:2:", 0), 0u) << m;
}

TEST(TomlParse, FileRoundTrip) {
  auto dir = fs::temp_directory_path() / ("ss_toml_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string p = (dir / "c.toml").string();
  ss::write_file_atomic(p, std::string("[run]\nseed = 3\n"));
  auto t = ss::parse_toml_file(p);
  EXPECT_EQ(ss::TomlReader(t, p).sub("run").integer("seed"), 3);
  ss::write_file_atomic(p, std::string("[run\n"));
  auto m = error_of([&] { ss::parse_toml_file(p); });
  EXPECT_EQ(m.rfind(p + ":1:", 0), 0u) << m;
  fs::remove_all(dir);
  m = error_of([&] { ss::parse_toml_file(p); });
  EXPECT_NE(m.find(p), std::string::npos) << m;
}

}  // namespace
