// CSV tables with the report's numbers, one concept per file, for spreadsheets and scripts.
// Numbers are written in shortest round-trip form, so they equal report.json's exactly.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "report/document.h"

namespace ss::report {

struct CsvTable {
  std::string file;  // "metrics.csv"
  std::string text;  // header line, then rows; "\n" line ends
};

// metrics (value, change against styles[0] in percent and as a difference), energy_breakdown,
// area_breakdown, layers, firing, experts, thermal.
std::vector<CsvTable> csv_tables(const Document& d);

// RFC 4180 field: quoted when it holds a comma, quote, or line break.
std::string csv_field(std::string_view s);
// Shortest representation that reads back to the same double ("0.1", "1234", "1e-07").
std::string csv_number(double v);

}  // namespace ss::report
