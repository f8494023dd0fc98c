// A study: what to explore (models, axes over architecture and technology keys, integration
// styles), how (grid, random, Latin hypercube, NSGA-II), what to minimize and under which
// constraints. Read from a TOML study file (docs/explore.md) and/or command-line flags.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "explore/axis.h"
#include "explore/metrics.h"

namespace ss::explore {

struct ModelChoice {
  std::string path;     // model file
  double rate = 0.15;   // shape-only models: assumed firing rate of every layer
  size_t samples = 16;  // trained models: test images whose firing statistics are used
};

enum class Strategy { grid, random, lhs, nsga2 };
const char* strategy_name(Strategy s);

// How the physical model's temperature is obtained: the full 16 x 16 grid solve (what
// `spikestack sim` does), a coarse 4 x 4 grid, or none (leakage at ambient, no peak temperature).
enum class Thermal { full, coarse, off };
const char* thermal_name(Thermal t);

struct StudySpec {
  std::string name = "study";
  std::string file;  // the study file ("" when from flags only)
  std::vector<ModelChoice> models;
  std::string arch, tech;         // files
  std::vector<std::string> sets;  // fixed overrides applied to every point
  std::vector<Axis> axes;
  std::vector<std::string> styles;  // integration styles (empty: every default style)
  std::vector<std::string> objectives = {"energy", "latency"};
  std::vector<std::string> constraints;
  Strategy strategy = Strategy::grid;
  size_t samples = 100;                      // random / lhs designs
  size_t population = 32, generations = 10;  // nsga2
  uint64_t seed = 1;
  Thermal thermal = Thermal::full;

  // Designs in the space (models x product of axis sizes); saturates at UINT64_MAX.
  uint64_t space_size() const;
};

// Reads a study file; `resolve` maps a path written in it to a file to open.
StudySpec load_study(const std::string& path,
                     const std::function<std::string(const std::string&)>& resolve);

// Checks the parts that need no file (objectives, constraints, strategy sizes, axes that
// repeat a key); throws ss::Error with one line.
void check_study(const StudySpec& s);

// The canonical description of the study (everything that decides which points are evaluated
// and what they measure) with the content hashes of its files; equal studies give equal text.
nlohmann::json study_identity(const StudySpec& s, const std::vector<std::string>& file_hashes);

// FNV-1a 64 of bytes, as 16 hex digits.
std::string hash_hex(const std::string& bytes);
std::string file_hash(const std::string& path);

}  // namespace ss::explore
