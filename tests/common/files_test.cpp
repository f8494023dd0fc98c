#include "common/files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "common/error.h"

namespace fs = std::filesystem;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ss::Error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << "message is not one line: " << m;
    return m;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ss::Error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected ss::Error, nothing was thrown";
  return "";
}

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ss_files_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (dir_ / n).string(); }
  // Every entry below dir_, relative, sorted.
  std::vector<std::string> listing() const {
    std::vector<std::string> r;
    for (auto& e : fs::recursive_directory_iterator(dir_))
      r.push_back(fs::relative(e.path(), dir_).string());
    std::sort(r.begin(), r.end());
    return r;
  }
  fs::path dir_;
};

TEST(ErrorAt, FormatsFileFieldMessage) {
  EXPECT_STREQ(ss::error_at("a.bin", "count", "got {}, expected {}", 3, 4).what(),
               "a.bin: count: got 3, expected 4");
  EXPECT_STREQ(ss::error_at("a.bin", "", "missing").what(), "a.bin: missing");
  EXPECT_STREQ(ss::error_at("", "split", "bad").what(), "split: bad");
  EXPECT_STREQ(ss::error_at("", "", "plain").what(), "plain");
}

TEST_F(FilesTest, WriteThenReadBytesAndText) {
  const std::string p = path("a.bin");
  const std::vector<uint8_t> data = {0, 1, 2, 255, 0, 10, 13};
  ss::write_file_atomic(p, data.data(), data.size());
  EXPECT_EQ(ss::read_file_bytes(p), data);
  ss::write_file_atomic(p, std::string("hello\nworld"));
  EXPECT_EQ(ss::read_file_text(p), "hello\nworld");
  EXPECT_EQ(listing(), (std::vector<std::string>{"a.bin"}));
}

TEST_F(FilesTest, ReplacesContentAndLeavesNoTempFile) {
  const std::string p = path("out.txt");
  ss::write_file_atomic(p, std::string(10000, 'x'));
  ss::write_file_atomic(p, std::string("short"));  // shorter: nothing of the old content remains
  EXPECT_EQ(ss::read_file_text(p), "short");
  EXPECT_EQ(fs::file_size(p), 5u);
  ss::write_file_atomic(p, std::string());
  EXPECT_EQ(ss::read_file_text(p), "");
  EXPECT_TRUE(ss::read_file_bytes(p).empty());
  EXPECT_EQ(listing(), (std::vector<std::string>{"out.txt"}));
}

TEST_F(FilesTest, OldReaderKeepsOldContent) {
  // Rename replaces the directory entry: a file opened before the write still sees old bytes.
  const std::string p = path("model.bin");
  ss::write_file_atomic(p, std::string("old content"));
  std::ifstream before(p, std::ios::binary);
  ss::write_file_atomic(p, std::string("new"));
  std::string s((std::istreambuf_iterator<char>(before)), std::istreambuf_iterator<char>());
  EXPECT_EQ(s, "old content");
  EXPECT_EQ(ss::read_file_text(p), "new");
}

TEST_F(FilesTest, CreatesParentDirectories) {
  const std::string p = path("x/y/z/file.json");
  ss::write_file_atomic(p, std::string("{}"));
  EXPECT_EQ(ss::read_file_text(p), "{}");
  EXPECT_EQ(listing(), (std::vector<std::string>{"x", "x/y", "x/y/z", "x/y/z/file.json"}));
}

TEST_F(FilesTest, WriteOverDirectoryFailsCleanly) {
  fs::create_directories(path("taken"));
  fs::create_directories(path("taken/inner"));
  auto m = error_of([&] { ss::write_file_atomic(path("taken"), std::string("data")); });
  EXPECT_NE(m.find(path("taken")), std::string::npos) << m;
  EXPECT_EQ(listing(), (std::vector<std::string>{"taken", "taken/inner"}));
}

TEST_F(FilesTest, WriteUnderAFileFailsCleanly) {
  ss::write_file_atomic(path("plain"), std::string("p"));
  auto m = error_of([&] { ss::write_file_atomic(path("plain/child.txt"), std::string("data")); });
  EXPECT_NE(m.find("plain/child.txt"), std::string::npos) << m;
  EXPECT_EQ(listing(), (std::vector<std::string>{"plain"}));
}

TEST_F(FilesTest, ReadMissingFileNamesIt) {
  const std::string p = path("nope.bin");
  auto m = error_of([&] { ss::read_file_bytes(p); });
  EXPECT_NE(m.find(p), std::string::npos) << m;
  EXPECT_NE(m.find("No such file"), std::string::npos) << m;
  m = error_of([&] { ss::read_file_text(p); });
  EXPECT_NE(m.find(p), std::string::npos) << m;
}

TEST_F(FilesTest, ReadDirectoryIsAnError) {
  auto m = error_of([&] { ss::read_file_bytes(dir_.string()); });
  EXPECT_NE(m.find(dir_.string()), std::string::npos) << m;
  EXPECT_NE(m.find("directory"), std::string::npos) << m;
}

}  // namespace
