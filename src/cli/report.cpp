// `spikestack report`: re-renders a study's report (index.html, CSV tables) from a saved
// report.json, e.g. after editing its title or to refresh the page with a newer spikestack.
#include "report/report.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "common/error.h"
#include "common/files.h"

namespace ss::cli {
namespace {

struct ReportOptions {
  std::string input, out;
  bool quiet = false, json = false;
};

void run(const ReportOptions& o) {
  std::string text = read_file_text(o.input);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based offset where parsing stopped
    throw error_at(o.input, "", "not valid JSON (at byte {})", e.byte);
  }
  auto written = report::write_report(doc, o.out, o.input);
  if (o.json)
    fmt::print("{}\n", nlohmann::json{{"files", written}}.dump(2));
  else if (!o.quiet)
    fmt::print("wrote {} files to {}\nopen {}\n", written.size(), o.out, written.front());
}

void add(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* c = app.add_subcommand(
      "report", "Render a report (HTML with SVG charts, CSV tables) from a report.json");
  c->footer(
      "Examples:\n"
      "  spikestack report out/report/report.json --out out/report      # refresh in place\n"
      "  spikestack report saved.json --out /tmp/r && xdg-open /tmp/r/index.html\n"
      "The document format (schema spikestack.report/1) is described in docs/report.md.");
  c->add_option("input", o->input, "The report document (JSON, schema spikestack.report/1)")
      ->required();
  c->add_option("-o,--out", o->out, "Directory for index.html, report.json and the CSV tables")
      ->required();
  c->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  c->add_flag("--json", o->json, "Print the written files as JSON");
  c->callback([o] { run(*o); });
}

RegisterCommand reg(40, &add);

}  // namespace
}  // namespace ss::cli
