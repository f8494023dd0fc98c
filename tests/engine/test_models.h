// Small model files for engine tests (every attention / ffn kind, odd channel counts).
#pragma once
#include <string>

#include "engine/model_spec.h"

namespace ss::test {

inline ModelSpec small_spec(const std::string& attn, const std::string& ffn, int T = 2,
                            int dim = 72, int hw = 12) {
  std::string a = attn == "ssa" ? "type = \"ssa\"\nheads = 4\n"
                                : "type = \"emsa\"\nexperts = 3\nexpert_dim = 20\n";
  std::string f = ffn == "mlp"    ? "type = \"mlp\"\nhidden = 100\n"
                  : ffn == "emsp" ? "type = \"emsp\"\nhidden = 100\n"
                                  : "type = \"moe\"\nexperts = 4\ntop_k = 2\nexpert_hidden = 40\n";
  std::string text = "[model]\nname = \"t\"\ninput = [1, " + std::to_string(hw) + ", " +
                     std::to_string(hw) + "]\nclasses = 10\ntimesteps = " + std::to_string(T) +
                     "\ndim = " + std::to_string(dim) + "\nblocks = 2\n[tokenizer]\nchannels = [8, " +
                     std::to_string(dim) + "]\npool = [true, true]\n[attention]\n" + a + "[ffn]\n" + f;
  return ModelSpec::parse(text, "test.toml");
}

}  // namespace ss::test
