// Renders a study ("spikestack.report/1" document, docs/report.md) into a directory:
// index.html (self-contained, SVG charts), report.json and CSV tables with the same numbers.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ss::report {

// Validates doc (ss::Error naming `source` and the JSON path) and replaces out_dir as a whole:
// the files are written into a new directory beside it (with any other regular files of the
// old one hard-linked in), which is exchanged with the old one in one step. Returns the paths
// written.
std::vector<std::string> write_report(const nlohmann::json& doc, const std::string& out_dir,
                                      const std::string& source = "report.json");

// What write_report will refuse, checked before the work that produces the document: out_dir
// exists but is not a directory, or holds something other than regular files (it is replaced
// as a whole; other regular files are carried over). ss::Error naming out_dir.
void check_report_dir(const std::string& out_dir);

}  // namespace ss::report
