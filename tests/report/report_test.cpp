// write_report on the fixture: every file is written, every figure is in the page as a
// non-empty SVG, nothing refers outside the file, and text from the document is escaped.
#include "report/report.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string_view>
#include <regex>

#include "common/error.h"
#include "report/document.h"
#include "report/figures.h"
#include "report_test_util.h"

using namespace ss::report;
namespace fs = std::filesystem;

namespace {
fs::path out_dir(const char* name) {
  fs::path d = fs::path(SS_BINARY_DIR) / "test-out" / name;
  fs::remove_all(d);
  return d;
}

// The content of the <svg> in `<figure class="chart" data-chart="id" ...> <h3>title</h3> <svg
// ...>content</svg>`, scanned by hand: std::regex recurses once per character matched and so
// overflows the stack on a large SVG under AddressSanitizer's bigger frames.
bool figure_svg_body(const std::string& html, const std::string& id, std::string& body) {
  auto skip_space = [&](size_t p) {
    while (p < html.size() && std::isspace(static_cast<unsigned char>(html[p]))) ++p;
    return p;
  };
  auto starts = [&](size_t p, std::string_view s) { return html.compare(p, s.size(), s) == 0; };
  size_t p = html.find("<figure class=\"chart\" data-chart=\"" + id + "\"");
  if (p == std::string::npos || (p = html.find('>', p)) == std::string::npos) return false;
  p = skip_space(p + 1);
  if (!starts(p, "<h3>")) return false;
  size_t title_end = html.find('<', p + 4);
  if (title_end == std::string::npos || title_end == p + 4 || !starts(title_end, "</h3>"))
    return false;
  p = skip_space(title_end + 5);
  if (!starts(p, "<svg") || (p = html.find('>', p)) == std::string::npos) return false;
  size_t end = html.find("</svg>", p);
  if (end == std::string::npos) return false;
  body = html.substr(p + 1, end - p - 1);
  return true;
}
}  // namespace

TEST(Report, WritesThePageTheDocumentAndEveryTable) {
  fs::path d = out_dir("report-files");
  auto doc = ss::report::test::fixture();
  auto written = write_report(doc, d.string());
  for (const char* f :
       {"index.html", "report.json", "metrics.csv", "energy_breakdown.csv", "area_breakdown.csv",
        "layers.csv", "firing.csv", "experts.csv", "thermal.csv"})
    EXPECT_TRUE(fs::exists(d / f)) << f;
  EXPECT_EQ(written.size(), 9u);
  EXPECT_EQ(nlohmann::json::parse(ss::read_file_text((d / "report.json").string())), doc);
}

TEST(Report, EveryFigureIsAFigureWithANonEmptySvg) {
  fs::path d = out_dir("report-figures");
  auto doc = ss::report::test::fixture();
  write_report(doc, d.string());
  std::string html = ss::read_file_text((d / "index.html").string());
  auto ids = figure_ids(parse_document(doc));
  // 1 overview + 9 metrics + 2 breakdowns + 5 thermal maps (1 + 2 + 2 tiers) + 4 workload
  EXPECT_EQ(ids.size(), 21u);
  for (const auto& id : ids) {
    std::string body;
    ASSERT_TRUE(figure_svg_body(html, id, body)) << id;
    EXPECT_GT(body.size(), 100u) << id;  // drawn content, not an empty element
  }
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "thermal-3d-lol-top"), 1);
}

TEST(Report, PageIsSelfContained) {
  fs::path d = out_dir("report-offline");
  write_report(ss::report::test::fixture(), d.string());
  std::string html = ss::read_file_text((d / "index.html").string());
  std::regex external(
      R"((src|href)\s*=\s*"(https?:|//)|@import|url\(\s*['"]?https?:|<script|<link rel="stylesheet")");
  EXPECT_FALSE(std::regex_search(html, external));
  // the only URL is the SVG namespace name, which is never fetched
  std::regex url("https?://[^\"]*");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator();
       ++it)
    EXPECT_EQ(it->str(), "http://www.w3.org/2000/svg");
}

TEST(Report, DocumentTextIsEscaped) {
  fs::path d = out_dir("report-escape");
  auto doc = ss::report::test::fixture();
  doc["title"] = "<script>alert('x')</script>";
  doc["styles"][0]["energy_breakdown"][0]["component"] = "cores & \"SRAM\" <b>";
  doc["styles"][1]["label"] = "3D <i>MoL</i>";
  write_report(doc, d.string());
  std::string html = ss::read_file_text((d / "index.html").string());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("cores &amp; &quot;SRAM&quot; &lt;b&gt;"), std::string::npos);
}

TEST(Report, InvalidDocumentWritesNothing) {
  fs::path d = out_dir("report-invalid");
  auto doc = ss::report::test::fixture();
  doc["styles"][0]["metrics"].erase("clock_mhz");
  EXPECT_THROW(write_report(doc, d.string(), "x.json"), ss::Error);
  EXPECT_FALSE(fs::exists(d / "index.html"));
}

TEST(Report, WithoutExpertsTheFigureSaysSo) {
  fs::path d = out_dir("report-no-experts");
  auto doc = ss::report::test::fixture();
  doc["expert_usage"] = nlohmann::json::object();
  doc.erase("expert_gating");  // optional: documents from before SEMM gating was recorded
  write_report(doc, d.string());
  std::string html = ss::read_file_text((d / "index.html").string());
  EXPECT_NE(html.find("No mixture-of-experts blocks"), std::string::npos);
}

// A SEMM model has gates but no routed blocks: the chart shows the gates, without the
// "balanced" line that only routing has.
TEST(Report, GatedExpertsAreChartedWithoutABalanceLine) {
  fs::path d = out_dir("report-gated-experts");
  auto doc = ss::report::test::fixture();
  doc["expert_usage"] = nlohmann::json::object();
  write_report(doc, d.string());
  std::string html = ss::read_file_text((d / "index.html").string());
  const size_t at = html.find("data-chart=\"expert-usage\"");
  ASSERT_NE(at, std::string::npos);
  const std::string fig = html.substr(at, html.find("</figure>", at) - at);
  EXPECT_NE(fig.find("blocks.0.attn (gate)"), std::string::npos);
  EXPECT_NE(fig.find("slots with gate open (%)"), std::string::npos);
  EXPECT_EQ(fig.find("balanced"), std::string::npos);
  EXPECT_EQ(fig.find("No mixture-of-experts blocks"), std::string::npos);
}

// The directory is replaced as a whole: a write that fails midway (here thermal.csv, taken by
// a directory of that name) used to leave the new index.html beside the old tables.
TEST(Report, AFailedWriteLeavesTheOldReportWhole) {
  fs::path d = out_dir("report-whole");
  auto doc = ss::report::test::fixture();
  write_report(doc, d.string());
  const std::string old_page = ss::read_file_text((d / "index.html").string());
  fs::remove(d / "thermal.csv");
  fs::create_directory(d / "thermal.csv");
  doc["title"] = "a different study";
  EXPECT_THROW(write_report(doc, d.string()), ss::Error);
  EXPECT_EQ(ss::read_file_text((d / "index.html").string()), old_page);
  for (const auto& e : fs::directory_iterator(d.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("report-whole.tmp."), std::string::npos)
        << e.path();
}

TEST(Report, ReplacesTheWholeDirectoryAndItsLeftovers) {
  fs::path d = out_dir("report-replace");
  auto doc = ss::report::test::fixture();
  write_report(doc, d.string());
  ss::write_file_atomic((d / "metrics.csv.tmp.99999").string(), "left by a killed run");
  doc["title"] = "second study";
  auto written = write_report(doc, (d / "").string());  // "dir/" is the same directory
  EXPECT_EQ(written.size(), 9u);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(d)) {
    ++entries;
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  }
  EXPECT_EQ(entries, 9u);
  EXPECT_NE(ss::read_file_text((d / "index.html").string()).find("second study"),
            std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(ss::read_file_text((d / "report.json").string())), doc);
  for (const auto& e : fs::directory_iterator(d.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("report-replace.tmp."), std::string::npos)
        << e.path();
}

// Files that are not the report's (a screenshot beside the page) are kept; a subdirectory
// cannot be carried over in one step, so such a directory is refused.
TEST(Report, OtherFilesAreKeptASubdirectoryIsRefused) {
  fs::path d = out_dir("report-foreign");
  fs::create_directories(d);
  ss::write_file_atomic((d / "screenshot.png").string(), "mine");
  write_report(ss::report::test::fixture(), d.string());
  EXPECT_EQ(ss::read_file_text((d / "screenshot.png").string()), "mine");
  EXPECT_TRUE(fs::exists(d / "index.html"));
  write_report(ss::report::test::fixture(), d.string());  // and again
  EXPECT_EQ(ss::read_file_text((d / "screenshot.png").string()), "mine");
  fs::create_directories(d / "old-runs");
  try {
    write_report(ss::report::test::fixture(), d.string());
    FAIL() << "replaced a directory holding a subdirectory";
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds 'old-runs', which is not a regular file"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(fs::is_directory(d / "old-runs"));
  EXPECT_EQ(ss::read_file_text((d / "screenshot.png").string()), "mine");
}
