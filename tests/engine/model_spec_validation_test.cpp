// The model file is the boundary for every size: values out of range, non-integers and
// products that would overflow an int are errors naming the file and the field.
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "common/safetensors.h"
#include "engine/model_spec.h"

namespace {

std::string model(const std::string& input, const std::string& channels = "[8, 64]",
                  const std::string& pool = "[true, true]", const std::string& ffn_hidden = "128",
                  int T = 4) {
  return "[model]\nname = \"v\"\ninput = " + input +
         "\nclasses = 10\ntimesteps = " + std::to_string(T) +
         "\ndim = 64\nblocks = 1\n[tokenizer]\nchannels = " + channels + "\npool = " + pool +
         "\n[attention]\ntype = \"ssa\"\nheads = 4\n[ffn]\ntype = \"mlp\"\nhidden = " + ffn_hidden +
         "\n";
}

std::string error_of(const std::string& text) {
  try {
    ss::ModelSpec::parse(text, "m.toml");
  } catch (const ss::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ModelSpecValidation, ShippedShapesParse) {
  ss::ModelSpec s = ss::ModelSpec::parse(model("[3, 32, 32]"), "m.toml");
  EXPECT_EQ(s.tokens(), 64);  // 32 -> 16 -> 8
  EXPECT_NO_THROW(s.validate_sizes());
}

TEST(ModelSpecValidation, ImageSidesAreRangeCheckedNotWrapped) {
  // 2^32 + 32 was read as 32 (a silent 32 x 32 model); 2^31 as INT_MIN (tokens = 0)
  EXPECT_EQ(error_of(model("[3, 4294967328, 32]")),
            "m.toml: model.input[1]: height 4294967328 out of range [1, 65536]");
  EXPECT_EQ(error_of(model("[3, 32, 2147483648]")),
            "m.toml: model.input[2]: width 2147483648 out of range [1, 65536]");
  EXPECT_EQ(error_of(model("[0, 32, 32]")),
            "m.toml: model.input[0]: channels 0 out of range [1, 65536]");
  EXPECT_EQ(error_of(model("[3, 32]")),
            "m.toml: model.input: expected [channels, height, width], got 2 entries");
  EXPECT_EQ(error_of(model("[3, 32.5, 32]")), "m.toml: model.input[1]: wrong element type");
}

TEST(ModelSpecValidation, ProductsThatOverflowAnIntAreErrors) {
  // 65536 x 65536 x 3 = 12884901888 > 2^31 - 1
  EXPECT_EQ(error_of(model("[3, 65536, 65536]")),
            "m.toml: model.input: channels x height x width exceeds 2147483647 elements (too "
            "large for this engine)");
  // stage 0 spikes: T 4 x 4096 x 4096 x 8 = 2^29 fits; x 64 channels = 2^32 does not
  std::string m = error_of(model("[1, 4096, 4096]", "[64, 64]"));
  EXPECT_NE(m.find("m.toml: tokenizer.channels[0]: stage 0: timesteps x height x width x "
                   "channels = 4 x 4096 x 4096 x 64 exceeds"),
            std::string::npos)
      << m;
  // tokens: 8192 x 8192 / (two pools) = 2048 x 2048 = 2^22 tokens; T x N x N overflows
  m = error_of(model("[1, 8192, 8192]", "[1, 64]", "[true, true]", "128", 1));
  EXPECT_NE(m.find("m.toml: model.input: timesteps x tokens^2 = 1 x 4194304^2"), std::string::npos)
      << m;
  // ffn: T 4 x 64 tokens x 2^20 hidden = 2^28 fits; hidden x dim = 2^26 fits; both checked
  EXPECT_NO_THROW(
      ss::ModelSpec::parse(model("[3, 32, 32]", "[8, 64]", "[true, true]", "1048576"), "m.toml"));
}

// What sim::build_workload calls first, for specs built in code.
TEST(ModelSpecValidation, ASpecBuiltInCodeWithWrappedSizesIsRefused) {
  ss::ModelSpec s = ss::ModelSpec::parse(model("[3, 32, 32]"), "m.toml");
  s.in_height = -2147483647 - 1;  // what int(2^31) gave
  try {
    s.validate_sizes();
    FAIL() << "accepted a negative image side";
  } catch (const ss::Error& e) {
    EXPECT_STREQ(e.what(), "m.toml: model.input[1]: -2147483648 out of range [1, 65536]");
  }
}

}  // namespace

namespace {

// The count a memory check uses equals what the shipped, trained files hold (Linear units
// with biases, convolutions without).
TEST(ModelSpecValidation, StoredValuesMatchTheShippedWeightFiles) {
  for (const char* m : {"moe", "spikformer", "semm"}) {
    const std::string dir = std::string(SS_SOURCE_DIR) + "/models/";
    ss::ModelSpec spec = ss::ModelSpec::load(dir + m + "-fmnist.toml");
    ss::SafeTensors w = ss::SafeTensors::load(spec.weights);
    int64_t n = 0;
    for (const auto& name : w.names()) n += w.get(name).numel();
    EXPECT_EQ(spec.stored_values(), n) << m;
  }
  // counted by hand (python over the headers): 134750, 99482, 176638
  EXPECT_EQ(
      ss::ModelSpec::load(std::string(SS_SOURCE_DIR) + "/models/moe-fmnist.toml").stored_values(),
      134750);
}

}  // namespace

namespace {

// A value echoed in a message cannot drive the terminal (ESC [ 2 J clears the screen).
TEST(ModelSpecValidation, EchoedValuesAreEscaped) {
  std::string text = model("[3, 32, 32]");
  text.replace(text.find("type = \"ssa\""), 12, "type = \"\\u001b[2J\"");
  EXPECT_EQ(error_of(text),
            "m.toml: attention.type: unknown '\\x1b[2J' (expected \"ssa\" or \"emsa\")");
}

}  // namespace
