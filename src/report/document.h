// The report document ("spikestack.report/1", docs/report.md) as typed, validated data.
// parse_document() is the only place that reads the JSON; charts and tables use these structs.
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ss::report {

inline constexpr const char* kSchema = "spikestack.report/1";

struct Inputs {
  std::string model, architecture, technology, dataset;
  int64_t samples = 0;
  std::string head_pruning;  // optional: "2 of 4 heads per image (keep 0.5)"; "" = none
};

// Optional table of a head-pruning study (issue 17): cells preformatted by whoever ran it,
// and the commands that reproduce it.
struct PruningStudy {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::string commands;
};

struct Layer {
  std::string name, unit;
  double cycles = 0;                  // cycles per inference spent in this layer
  std::vector<double> rate_per_step;  // firing rate (0..1) at each time step
};

// One slice of a breakdown: energy_uj for energy, area_mm2 for area.
struct Part {
  std::string component, tier;
  double value = 0;
};

// Temperature grid of one tier; celsius is row-major, row 0 at y = 0 (the die's lower edge).
struct ThermalMap {
  std::string tier;
  int nx = 0, ny = 0;
  double width_mm = 0, height_mm = 0;
  std::vector<double> celsius;
  double at(int ix, int iy) const { return celsius[size_t(iy) * size_t(nx) + size_t(ix)]; }
};

struct Metric {
  std::string key;
  double value = 0;
};

struct Style {
  std::string name, label;
  std::vector<Metric> metrics;  // the catalogue's metrics in catalogue order, then extras
  std::vector<Part> energy, area;
  std::vector<ThermalMap> thermal;
  const Metric* find_metric(const std::string& key) const;
};

struct Document {
  std::string title, generated, note;
  Inputs inputs;
  std::optional<double> accuracy_float, accuracy_int;
  std::vector<Layer> layers;
  std::vector<std::pair<std::string, std::vector<double>>> expert_usage;  // natural block order
  // SEMM EMSA: per attention part, share of (time step, token) slots each expert is open
  std::vector<std::pair<std::string, std::vector<double>>> expert_gating;
  std::vector<Style> styles;  // styles[0] is the 2D baseline
  std::optional<PruningStudy> pruning_study;
  int time_steps() const { return layers.empty() ? 0 : int(layers[0].rate_per_step.size()); }
};

// What a metric means and which way is better; metrics outside the catalogue are shown with
// their key as label and no unit.
struct MetricInfo {
  std::string key, label, short_label, unit;
  bool lower_is_better = true;
  bool absolute_change = false;  // compare as a difference (temperatures), not a ratio
};
const std::vector<MetricInfo>& metric_catalogue();
MetricInfo metric_info(const std::string& key);

// Relative change of value against baseline in percent; none when the baseline is zero.
std::optional<double> change_pct(double value, double baseline);

// Validates and converts; errors name source and the JSON path ("styles[1].metrics.energy_uj").
Document parse_document(const nlohmann::json& doc, const std::string& source = "report.json");

// "blocks.2" < "blocks.10": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace ss::report
