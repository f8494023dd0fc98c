#include "report/report.h"

#include <filesystem>

#include "common/files.h"
#include "report/csv.h"
#include "report/document.h"
#include "report/page.h"

namespace ss::report {

std::vector<std::string> write_report(const nlohmann::json& doc, const std::string& out_dir,
                                      const std::string& source) {
  Document d = parse_document(doc, source);  // validate before touching the output
  std::vector<std::pair<std::string, std::string>> files = {{"index.html", render_page(d)},
                                                            {"report.json", doc.dump(2) + "\n"}};
  for (auto& t : csv_tables(d)) files.emplace_back(t.file, std::move(t.text));
  std::vector<std::string> written;
  for (const auto& [name, text] : files) {
    written.push_back((std::filesystem::path(out_dir) / name).string());
    write_file_atomic(written.back(), text);
  }
  return written;
}

}  // namespace ss::report
