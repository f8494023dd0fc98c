// Renders a study ("spikestack.report/1" document, docs/report.md) into a directory:
// index.html (self-contained, SVG charts), report.json and CSV tables with the same numbers.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ss::report {

// Validates doc (ss::Error naming `source` and the JSON path) and writes every file
// atomically into out_dir, which is created. Returns the paths written.
std::vector<std::string> write_report(const nlohmann::json& doc, const std::string& out_dir,
                                      const std::string& source = "report.json");

}  // namespace ss::report
