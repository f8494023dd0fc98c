#include "common/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
      r.push_back(e.path().lexically_relative(dir_).string());  // links not resolved
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

// Atomic replacement is for regular files. A symbolic link stays a link (its target is
// replaced); devices and FIFOs are written in place, never replaced by a regular file.
TEST_F(FilesTest, SymlinkIsKeptAndItsTargetReplaced) {
  ss::write_file_atomic(path("real.json"), std::string("old"));
  fs::create_symlink("real.json", path("out.json"));  // relative, as `ln -s` makes them
  ss::write_file_atomic(path("out.json"), std::string("new"));
  EXPECT_TRUE(fs::is_symlink(path("out.json")));
  EXPECT_EQ(fs::read_symlink(path("out.json")), fs::path("real.json"));
  EXPECT_EQ(ss::read_file_text(path("real.json")), "new");
  EXPECT_EQ(listing(), (std::vector<std::string>{"out.json", "real.json"}));
}

TEST_F(FilesTest, ChainOfSymlinksToAMissingFileCreatesIt) {
  fs::create_directories(path("data"));
  fs::create_symlink("data/link2", path("link1"));
  fs::create_symlink("result.txt", path("data/link2"));  // relative to data/
  ss::write_file_atomic(path("link1"), std::string("r"));
  EXPECT_TRUE(fs::is_symlink(path("link1")));
  EXPECT_TRUE(fs::is_symlink(path("data/link2")));
  EXPECT_EQ(ss::read_file_text(path("data/result.txt")), "r");
  EXPECT_EQ(listing(),
            (std::vector<std::string>{"data", "data/link2", "data/result.txt", "link1"}));
}

TEST_F(FilesTest, SymlinkLoopIsAnError) {
  fs::create_symlink("b", path("a"));
  fs::create_symlink("a", path("b"));
  auto m = error_of([&] { ss::write_file_atomic(path("a"), std::string("x")); });
  EXPECT_NE(m.find(path("a")), std::string::npos) << m;
  EXPECT_EQ(listing(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(FilesTest, FifoIsWrittenInPlace) {
  ASSERT_EQ(::mkfifo(path("pipe").c_str(), 0600), 0);
  int rd = ::open(path("pipe").c_str(), O_RDONLY | O_NONBLOCK);  // a reader, so open() for
  ASSERT_GE(rd, 0);                                              // writing does not block
  ss::write_file_atomic(path("pipe"), std::string("through the pipe"));
  char buf[64] = {};
  ssize_t n = ::read(rd, buf, sizeof buf);
  ::close(rd);
  EXPECT_EQ(std::string(buf, size_t(std::max<ssize_t>(n, 0))), "through the pipe");
  EXPECT_TRUE(fs::is_fifo(path("pipe")));
  EXPECT_EQ(listing(), (std::vector<std::string>{"pipe"}));
}

// Device nodes of our own (as root), else the system's, which a non-root process could not
// replace anyway: the test never risks /dev.
std::string device(const std::string& local, unsigned minor, const char* system) {
  if (::mknod(local.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0) return local;
  return system;
}

TEST_F(FilesTest, DeviceNodeIsWrittenInPlaceAndItsErrorsReported) {
  const std::string null = device(path("null"), 3, "/dev/null");
  const std::string full = device(path("full"), 7, "/dev/full");
  ss::write_file_atomic(null, std::string("discarded"));
  EXPECT_TRUE(fs::is_character_file(null));
  auto m = error_of([&] { ss::write_file_atomic(full, std::string("no room")); });
  EXPECT_NE(m.find(full + ": write failed (No space left on device)"), std::string::npos) << m;
  EXPECT_TRUE(fs::is_character_file(full));
  // a link to a device: both stay what they are
  fs::create_symlink(null, path("to-null"));
  ss::write_file_atomic(path("to-null"), std::string("discarded"));
  EXPECT_TRUE(fs::is_symlink(path("to-null")));
  EXPECT_TRUE(fs::is_character_file(null));
  for (const auto& e : listing()) EXPECT_EQ(e.find(".tmp."), std::string::npos) << e;
}

}  // namespace

namespace {

TEST(CheckFileName, AcceptsPlainNamesRejectsPaths) {
  EXPECT_NO_THROW(ss::check_file_name("r.toml", "model.name", "moe-fmnist"));
  EXPECT_NO_THROW(ss::check_file_name("r.toml", "model.name", "semm 96 (v2).b"));
  EXPECT_NO_THROW(ss::check_file_name("r.toml", "model.name", "..x"));
  const std::vector<std::string> bad_names = {"../../x",
                                              "a/b",
                                              "/abs",
                                              "..",
                                              ".",
                                              "",
                                              std::string(256, 'n'),
                                              "tab\there",
                                              std::string("nul\0x", 5)};
  for (const std::string& bad : bad_names) {
    auto m = error_of([&] { ss::check_file_name("r.toml", "model.name", bad); });
    EXPECT_EQ(m.rfind("r.toml: model.name: '", 0), 0u) << m;
    EXPECT_NE(m.find("is used as a file name"), std::string::npos) << m;
  }
}

}  // namespace
