// `spikestack rtl`: the accelerator's Verilog for an architecture and a model (the hand-written
// blocks of hw/ plus a generated top and parameter header), the SE cores' programs of one or
// more images (ops with their weight and spike tiles), and a manifest, written as one directory.
#pragma once
#include <string>

#include "arch/arch_spec.h"
#include "data/dataset.h"
#include "engine/model_spec.h"

namespace ss::rtl {

struct GenerateOptions {
  std::string hw_dir;               // the hand-written Verilog blocks (hw/)
  std::string out_dir;              // written as a whole: built beside it, then renamed over it
  const Dataset* images = nullptr;  // images whose programs are written (null: none)
  bool weights = true;              // the model has weights (shape-only models get no program)
  bool ops_text = false;            // also write each core's ops as text (program/image<i>/
                                    // <layer>.core<k>.ops; ~200k lines per image at small.toml)
};

struct GenerateSummary {
  int verilog_files = 0, programs = 0, ops = 0;
  std::vector<std::string> unsupported;  // SE-core layers the RTL cannot run yet
};

// Throws ss::Error naming the file and key for an architecture/model the RTL cannot build,
// and before writing anything; an existing `out_dir` is replaced only if it holds a manifest
// of an earlier run (never another directory).
GenerateSummary generate(const arch::Arch& a, const ModelSpec& m, const GenerateOptions& o);

}  // namespace ss::rtl
