#include "data/dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <functional>
#include <numeric>

#include "common/error.h"
#include "common/files.h"

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

#define EXPECT_HAS(msg, part) \
  EXPECT_NE((msg).find(part), std::string::npos) << "'" << (msg) << "' lacks '" << (part) << "'"

void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// Pixel value of image i at (r, c) in the synthetic IDX files.
uint8_t idx_pixel(size_t i, size_t r, size_t c) { return static_cast<uint8_t>(i * 31 + r * 7 + c); }

std::vector<uint8_t> idx_images(uint32_t n, uint32_t rows, uint32_t cols,
                                uint32_t magic = 0x00000803) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  put_be32(b, n);
  put_be32(b, rows);
  put_be32(b, cols);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t c = 0; c < cols; ++c) b.push_back(idx_pixel(i, r, c));
  return b;
}

std::vector<uint8_t> idx_labels(const std::vector<uint8_t>& labels, uint32_t magic = 0x00000801) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  put_be32(b, static_cast<uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

void write_plain(const std::string& path, const std::vector<uint8_t>& b) {
  ss::write_file_atomic(path, b.data(), b.size());
}

void write_gz(const std::string& path, const std::vector<uint8_t>& b) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  if (!b.empty()) {
    ASSERT_EQ(gzwrite(f, b.data(), static_cast<unsigned>(b.size())), int(b.size()));
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

// CIFAR pixel value of record i, channel ch, position p (0..1023).
uint8_t cifar_pixel(size_t i, size_t ch, size_t p) {
  return static_cast<uint8_t>(i * 13 + ch * 101 + p * 3);
}

// CIFAR-10 records (label, pixels) or CIFAR-100 records (coarse, fine, pixels).
std::vector<uint8_t> cifar_file(const std::vector<uint8_t>& labels, bool c100, size_t first = 0) {
  std::vector<uint8_t> b;
  for (size_t k = 0; k < labels.size(); ++k) {
    if (c100) b.push_back(static_cast<uint8_t>(labels[k] % 20));  // coarse label 0..19
    b.push_back(labels[k]);
    for (size_t ch = 0; ch < 3; ++ch)
      for (size_t p = 0; p < 1024; ++p) b.push_back(cifar_pixel(first + k, ch, p));
  }
  return b;
}

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ss_dataset_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (dir_ / n).string(); }

  void expect_idx(const ss::Dataset& d, uint32_t n, uint32_t rows, uint32_t cols,
                  const std::vector<uint8_t>& labels) {
    EXPECT_EQ(d.channels, 1);
    EXPECT_EQ(d.height, int(rows));
    EXPECT_EQ(d.width, int(cols));
    EXPECT_EQ(d.classes, 10);
    ASSERT_EQ(d.count(), n);
    ASSERT_EQ(d.image_size(), size_t(rows) * cols);
    ASSERT_EQ(d.pixels.size(), size_t(n) * rows * cols);
    for (uint32_t i = 0; i < n; ++i) {
      EXPECT_EQ(d.labels[i], labels[i]) << i;
      for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t c = 0; c < cols; ++c)
          ASSERT_EQ(d.image(i)[r * cols + c], idx_pixel(i, r, c)) << i << " " << r << " " << c;
    }
  }
  fs::path dir_;
};

const std::vector<uint8_t> kLabels5 = {3, 0, 9, 1, 7};

TEST_F(DatasetTest, IdxPlain) {
  write_plain(path("img"), idx_images(5, 4, 3));
  write_plain(path("lab"), idx_labels(kLabels5));
  auto d = ss::read_idx(path("img"), path("lab"), 10);
  expect_idx(d, 5, 4, 3, kLabels5);
}

TEST_F(DatasetTest, IdxGzipDetectedByMagicNotName) {
  write_gz(path("img.bin"), idx_images(5, 2, 6));     // gzip without .gz
  write_plain(path("lab.gz"), idx_labels(kLabels5));  // plain despite .gz
  auto d = ss::read_idx(path("img.bin"), path("lab.gz"), 10);
  expect_idx(d, 5, 2, 6, kLabels5);
  write_gz(path("lab2"), idx_labels(kLabels5));
  d = ss::read_idx(path("img.bin"), path("lab2"), 10);
  expect_idx(d, 5, 2, 6, kLabels5);
}

TEST_F(DatasetTest, IdxLargerGzipAndConcatenatedMembers) {
  // More than one zlib output chunk, and a file made of two gzip members (cat a.gz b.gz).
  auto img = idx_images(3000, 28, 28);
  write_gz(path("big.gz"), img);
  std::vector<uint8_t> labels(3000);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<uint8_t>(i % 10);
  auto lab = idx_labels(labels);
  std::vector<uint8_t> half1(lab.begin(), lab.begin() + 1000), half2(lab.begin() + 1000, lab.end());
  write_gz(path("l1.gz"), half1);
  write_gz(path("l2.gz"), half2);
  auto b1 = ss::read_file_bytes(path("l1.gz")), b2 = ss::read_file_bytes(path("l2.gz"));
  b1.insert(b1.end(), b2.begin(), b2.end());
  write_plain(path("cat.gz"), b1);
  auto d = ss::read_idx(path("big.gz"), path("cat.gz"), 10);
  ASSERT_EQ(d.count(), 3000u);
  EXPECT_EQ(d.pixels, std::vector<uint8_t>(img.begin() + 16, img.end()));
  EXPECT_EQ(std::vector<int32_t>(d.labels.begin(), d.labels.end()),
            std::vector<int32_t>(labels.begin(), labels.end()));
}

TEST_F(DatasetTest, Truncate) {
  write_plain(path("img"), idx_images(5, 4, 3));
  write_plain(path("lab"), idx_labels(kLabels5));
  auto d = ss::read_idx(path("img"), path("lab"), 10);
  d.truncate(100);
  EXPECT_EQ(d.count(), 5u);
  d.truncate(5);
  EXPECT_EQ(d.count(), 5u);
  d.truncate(2);
  EXPECT_EQ(d.count(), 2u);
  EXPECT_EQ(d.pixels.size(), 2u * 12);
  expect_idx(d, 2, 4, 3, kLabels5);
  d.truncate(0);
  EXPECT_EQ(d.count(), 0u);
  EXPECT_TRUE(d.pixels.empty());
}

TEST_F(DatasetTest, IdxWrongMagic) {
  write_plain(path("img"), idx_images(5, 4, 3, 0x00000801));
  write_plain(path("lab"), idx_labels(kLabels5));
  auto m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("img") + ": magic: ");
  EXPECT_HAS(m, "0x00000803");
  EXPECT_HAS(m, "0x00000801");

  write_plain(path("img"), idx_images(5, 4, 3));
  write_plain(path("lab"), idx_labels(kLabels5, 0x12345678));
  m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("lab") + ": magic: ");
  EXPECT_HAS(m, "expected 0x00000801");
  EXPECT_HAS(m, "0x12345678");

  // Swapped arguments.
  m = error_of([&] { ss::read_idx(path("lab"), path("img"), 10); });
  EXPECT_HAS(m, path("lab") + ": magic: ");
  EXPECT_HAS(m, "expected 0x00000803");
}

TEST_F(DatasetTest, IdxTruncatedImages) {
  auto img = idx_images(5, 4, 3);
  img.resize(img.size() - 13);  // 5 declared, 47 of 60 pixel bytes present
  write_gz(path("img.gz"), img);
  write_plain(path("lab"), idx_labels(kLabels5));
  auto m = error_of([&] { ss::read_idx(path("img.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("img.gz") + ": count: ");
  EXPECT_HAS(m, "5 images");
  EXPECT_HAS(m, "60 pixel bytes");
  EXPECT_HAS(m, "has 47");
  EXPECT_HAS(m, "truncated");

  write_plain(path("hdr"), std::vector<uint8_t>{0, 0, 8, 3, 0, 0});
  m = error_of([&] { ss::read_idx(path("hdr"), path("lab"), 10); });
  EXPECT_HAS(m, path("hdr") + ": header: ");
  EXPECT_HAS(m, "16-byte");
  write_plain(path("img"), idx_images(5, 4, 3));
  write_plain(path("lab"), {0, 0, 8, 1, 0, 0, 0});
  m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("lab") + ": header: ");
  EXPECT_HAS(m, "8-byte");
  write_plain(path("lab"), {0, 0});
  m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("lab") + ": header: ");

  write_plain(path("empty"), {});
  m = error_of([&] { ss::read_idx(path("empty"), path("lab"), 10); });
  EXPECT_HAS(m, path("empty") + ": header: ");
}

TEST_F(DatasetTest, IdxTrailingBytesAndZeroDims) {
  auto img = idx_images(5, 4, 3);
  img.push_back(0);
  write_plain(path("img"), img);
  write_plain(path("lab"), idx_labels(kLabels5));
  auto m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("img") + ": count: ");
  EXPECT_HAS(m, "60 pixel bytes");
  EXPECT_HAS(m, "has 61");

  write_plain(path("img"), idx_images(5, 0, 3));
  m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("img") + ": rows: ");

  // n * rows * cols far beyond the file: no huge allocation, just an error.
  auto huge = idx_images(0, 65535, 65535);
  huge[4] = huge[5] = huge[6] = huge[7] = 0xff;
  write_plain(path("img"), huge);
  m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("img") + ": count: ");
  EXPECT_HAS(m, "4294967295 images");
}

TEST_F(DatasetTest, IdxTruncatedLabels) {
  write_plain(path("img"), idx_images(5, 4, 3));
  auto lab = idx_labels(kLabels5);
  lab.pop_back();
  write_plain(path("lab"), lab);
  auto m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("lab") + ": count: ");
  EXPECT_HAS(m, "5 labels");
  EXPECT_HAS(m, "has 4");
  EXPECT_HAS(m, "truncated");
}

TEST_F(DatasetTest, IdxCountMismatch) {
  write_plain(path("img"), idx_images(5, 4, 3));
  write_plain(path("lab"), idx_labels({1, 2, 3, 4}));
  auto m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("lab") + ": count: ");
  EXPECT_HAS(m, "4 labels");
  EXPECT_HAS(m, "5 images");
  EXPECT_HAS(m, path("img"));
}

TEST_F(DatasetTest, IdxLabelOutOfRange) {
  write_plain(path("img"), idx_images(5, 4, 3));
  write_plain(path("lab"), idx_labels({1, 2, 3, 10, 4}));
  auto m = error_of([&] { ss::read_idx(path("img"), path("lab"), 10); });
  EXPECT_HAS(m, path("lab") + ": label 3: ");
  EXPECT_HAS(m, "value 10");
  EXPECT_HAS(m, "0..9");
  // The same file is fine with more classes.
  EXPECT_EQ(ss::read_idx(path("img"), path("lab"), 11).labels[3], 10);
  m = error_of([&] { ss::read_idx(path("img"), path("lab"), 0); });
  EXPECT_HAS(m, "classes");
}

TEST_F(DatasetTest, IdxMissingFile) {
  write_plain(path("img"), idx_images(5, 4, 3));
  auto m = error_of([&] { ss::read_idx(path("img"), path("nolab"), 10); });
  EXPECT_HAS(m, path("nolab"));
  m = error_of([&] { ss::read_idx(path("noimg"), path("img"), 10); });
  EXPECT_HAS(m, path("noimg"));
}

TEST_F(DatasetTest, CorruptGzip) {
  write_plain(path("lab"), idx_labels(kLabels5));
  // Truncated stream.
  auto img = idx_images(50, 8, 8);
  write_gz(path("img.gz"), img);
  auto gz = ss::read_file_bytes(path("img.gz"));
  auto cut = gz;
  cut.resize(gz.size() / 2);
  write_plain(path("cut.gz"), cut);
  auto m = error_of([&] { ss::read_idx(path("cut.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("cut.gz") + ": gzip: ");
  EXPECT_HAS(m, "corrupt gzip stream");
  EXPECT_HAS(m, "truncated");
  // Only the 8-byte trailer missing.
  cut = gz;
  cut.resize(gz.size() - 8);
  write_plain(path("cut.gz"), cut);
  m = error_of([&] { ss::read_idx(path("cut.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("cut.gz") + ": gzip: ");
  // Gzip magic followed by garbage.
  write_plain(path("garbage.gz"), {0x1f, 0x8b, 0x55, 0x66, 0x77, 0x88, 0x99, 0, 1, 2, 3, 4});
  m = error_of([&] { ss::read_idx(path("garbage.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("garbage.gz") + ": gzip: ");
  EXPECT_HAS(m, "corrupt gzip stream");
  // Just the two magic bytes.
  write_plain(path("magic.gz"), {0x1f, 0x8b});
  m = error_of([&] { ss::read_idx(path("magic.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("magic.gz") + ": gzip: ");
  // Damaged payload: CRC (or deflate) check fails.
  auto bad = gz;
  bad[bad.size() - 8] ^= 0xff;  // CRC32 in the trailer
  write_plain(path("crc.gz"), bad);
  m = error_of([&] { ss::read_idx(path("crc.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("crc.gz") + ": gzip: corrupt gzip stream");
  bad = gz;
  for (size_t i = 12; i < bad.size() - 8; i += 7) bad[i] ^= 0x5a;
  write_plain(path("flip.gz"), bad);
  m = error_of([&] { ss::read_idx(path("flip.gz"), path("lab"), 10); });
  EXPECT_HAS(m, path("flip.gz") + ": gzip: corrupt gzip stream");
}

TEST_F(DatasetTest, Cifar10ExactContentsAcrossFiles) {
  write_plain(path("a.bin"), cifar_file({3, 9, 0}, false, 0));
  write_plain(path("b.bin"), cifar_file({5, 1}, false, 3));
  auto d = ss::read_cifar({path("a.bin"), path("b.bin")}, 10);
  EXPECT_EQ(d.channels, 3);
  EXPECT_EQ(d.height, 32);
  EXPECT_EQ(d.width, 32);
  EXPECT_EQ(d.classes, 10);
  ASSERT_EQ(d.count(), 5u);
  EXPECT_EQ(d.image_size(), 3072u);
  ASSERT_EQ(d.pixels.size(), 5u * 3072);
  EXPECT_EQ(d.labels, (std::vector<int32_t>{3, 9, 0, 5, 1}));
  for (size_t i = 0; i < 5; ++i)
    for (size_t ch = 0; ch < 3; ++ch)
      for (size_t p = 0; p < 1024; ++p)
        ASSERT_EQ(d.image(i)[ch * 1024 + p], cifar_pixel(i, ch, p)) << i << " " << ch << " " << p;
  // CHW: the first row of the green plane of image 1.
  EXPECT_EQ(d.image(1)[1024 + 0], cifar_pixel(1, 1, 0));
  EXPECT_EQ(d.image(1)[1024 + 31], cifar_pixel(1, 1, 31));
}

TEST_F(DatasetTest, Cifar100UsesFineLabel) {
  write_plain(path("train.bin"), cifar_file({99, 0, 42, 57}, true));
  auto d = ss::read_cifar({path("train.bin")}, 100);
  EXPECT_EQ(d.classes, 100);
  EXPECT_EQ(d.labels, (std::vector<int32_t>{99, 0, 42, 57}));
  ASSERT_EQ(d.pixels.size(), 4u * 3072);
  for (size_t i = 0; i < 4; ++i)
    for (size_t ch = 0; ch < 3; ++ch)
      for (size_t p = 0; p < 1024; ++p) ASSERT_EQ(d.image(i)[ch * 1024 + p], cifar_pixel(i, ch, p));
}

TEST_F(DatasetTest, CifarRecordSize) {
  auto b = cifar_file({1, 2}, false);
  b.resize(b.size() - 1);
  write_plain(path("short.bin"), b);
  auto m = error_of([&] { ss::read_cifar({path("short.bin")}, 10); });
  EXPECT_HAS(m, path("short.bin") + ": record size: ");
  EXPECT_HAS(m, "6145");
  EXPECT_HAS(m, "3073");

  // A CIFAR-10 file read as CIFAR-100 (2 records of 3073 = 6146 is not a multiple of 3074).
  write_plain(path("c10.bin"), cifar_file({1, 2}, false));
  m = error_of([&] { ss::read_cifar({path("c10.bin")}, 100); });
  EXPECT_HAS(m, path("c10.bin") + ": record size: ");
  EXPECT_HAS(m, "3074");

  write_plain(path("empty.bin"), {});
  m = error_of([&] { ss::read_cifar({path("empty.bin")}, 10); });
  EXPECT_HAS(m, path("empty.bin") + ": count: ");
  EXPECT_HAS(m, "3073");
}

TEST_F(DatasetTest, CifarLabelOutOfRange) {
  write_plain(path("a.bin"), cifar_file({1, 2, 3, 10}, false));
  auto m = error_of([&] { ss::read_cifar({path("a.bin")}, 10); });
  EXPECT_HAS(m, path("a.bin") + ": label 3: ");
  EXPECT_HAS(m, "value 10");
  EXPECT_HAS(m, "0..9");

  auto b = cifar_file({1, 100}, true);
  write_plain(path("b.bin"), b);
  m = error_of([&] { ss::read_cifar({path("b.bin")}, 100); });
  EXPECT_HAS(m, path("b.bin") + ": label 1: ");
  EXPECT_HAS(m, "0..99");

  b = cifar_file({1, 2}, true);
  b[3074] = 20;  // coarse label of record 1
  write_plain(path("c.bin"), b);
  m = error_of([&] { ss::read_cifar({path("c.bin")}, 100); });
  EXPECT_HAS(m, path("c.bin") + ": coarse label 1: ");
  EXPECT_HAS(m, "0..19");

  m = error_of([&] { ss::read_cifar({path("a.bin")}, 20); });
  EXPECT_HAS(m, "classes");
  m = error_of([&] { ss::read_cifar({}, 10); });
  EXPECT_HAS(m, "files");
  m = error_of([&] { ss::read_cifar({path("missing.bin")}, 10); });
  EXPECT_HAS(m, path("missing.bin"));
}

TEST_F(DatasetTest, LoadFashionMnistFromRootPlainAndGz) {
  write_plain(path("t10k-images-idx3-ubyte"), idx_images(5, 28, 28));
  write_gz(path("t10k-labels-idx1-ubyte.gz"), idx_labels(kLabels5));
  auto d = ss::load_dataset("fashion-mnist", "test", dir_.string());
  EXPECT_EQ(d.name, "fashion-mnist");
  expect_idx(d, 5, 28, 28, kLabels5);

  // The .gz name wins when both are present.
  write_gz(path("t10k-images-idx3-ubyte.gz"), idx_images(5, 2, 2));
  d = ss::load_dataset("fashion-mnist", "test", dir_.string());
  expect_idx(d, 5, 2, 2, kLabels5);

  write_gz(path("train-images-idx3-ubyte.gz"), idx_images(3, 28, 28));
  write_plain(path("train-labels-idx1-ubyte"), idx_labels({4, 5, 6}));
  d = ss::load_dataset("fashion-mnist", "train", dir_.string());
  expect_idx(d, 3, 28, 28, {4, 5, 6});
}

TEST_F(DatasetTest, LoadFashionMnistMissingNamesPackage) {
  auto m = error_of([&] { ss::load_dataset("fashion-mnist", "train", dir_.string()); });
  EXPECT_HAS(m, path("train-images-idx3-ubyte.gz"));
  EXPECT_HAS(m, "train-images-idx3-ubyte");
  EXPECT_HAS(m, "not found");
  EXPECT_HAS(m, "apt-get install dataset-fashion-mnist");
  write_gz(path("t10k-images-idx3-ubyte.gz"), idx_images(5, 28, 28));
  m = error_of([&] { ss::load_dataset("fashion-mnist", "test", dir_.string()); });
  EXPECT_HAS(m, path("t10k-labels-idx1-ubyte.gz"));
  EXPECT_HAS(m, "apt-get install dataset-fashion-mnist");
}

TEST_F(DatasetTest, LoadCifar10RootOrParent) {
  for (int i = 1; i <= 5; ++i)
    write_plain(
        path("cifar-10-batches-bin/data_batch_" + std::to_string(i) + ".bin"),
        cifar_file({static_cast<uint8_t>(i), static_cast<uint8_t>(i + 1)}, false, 2 * (i - 1)));
  write_plain(path("cifar-10-batches-bin/test_batch.bin"), cifar_file({7}, false));
  for (const std::string& root : {dir_.string(), path("cifar-10-batches-bin")}) {
    SCOPED_TRACE(root);
    auto d = ss::load_dataset("cifar10", "train", root);
    EXPECT_EQ(d.name, "cifar10");
    EXPECT_EQ(d.labels, (std::vector<int32_t>{1, 2, 2, 3, 3, 4, 4, 5, 5, 6}));
    ASSERT_EQ(d.pixels.size(), 10u * 3072);
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ(d.image(i)[2000], cifar_pixel(i, 1, 2000 - 1024));
    d = ss::load_dataset("cifar10", "test", root);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{7}));
    EXPECT_EQ(d.channels, 3);
  }
  fs::remove(path("cifar-10-batches-bin/data_batch_4.bin"));
  auto m = error_of([&] { ss::load_dataset("cifar10", "train", dir_.string()); });
  EXPECT_HAS(m, path("cifar-10-batches-bin/data_batch_4.bin"));
  EXPECT_HAS(m, "not found");
  EXPECT_HAS(m, "CIFAR-10");
  m = error_of([&] { ss::load_dataset("cifar10", "train", path("elsewhere")); });
  EXPECT_HAS(m, path("elsewhere/data_batch_1.bin"));
  m = error_of([&] { ss::load_dataset("cifar10", "test", ""); });
  EXPECT_HAS(m, "root");
}

TEST_F(DatasetTest, LoadCifar100RootOrParent) {
  write_plain(path("cifar-100-binary/train.bin"), cifar_file({11, 22, 33}, true));
  write_plain(path("cifar-100-binary/test.bin"), cifar_file({44}, true));
  for (const std::string& root : {dir_.string(), path("cifar-100-binary")}) {
    SCOPED_TRACE(root);
    auto d = ss::load_dataset("cifar100", "train", root);
    EXPECT_EQ(d.name, "cifar100");
    EXPECT_EQ(d.classes, 100);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{11, 22, 33}));
    d = ss::load_dataset("cifar100", "test", root);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{44}));
  }
  auto m = error_of([&] { ss::load_dataset("cifar100", "test", path("nothing")); });
  EXPECT_HAS(m, path("nothing/test.bin"));
  EXPECT_HAS(m, "CIFAR-100");
}

TEST_F(DatasetTest, LoadUnknownNameOrSplit) {
  auto m = error_of([&] { ss::load_dataset("imagenet", "train", dir_.string()); });
  EXPECT_HAS(m, "imagenet");
  EXPECT_HAS(m, "fashion-mnist, cifar10 or cifar100");
  m = error_of([&] { ss::load_dataset("cifar10", "validation", dir_.string()); });
  EXPECT_HAS(m, "split");
  EXPECT_HAS(m, "validation");
  EXPECT_HAS(m, "train or test");
}

// The real test split from the Debian package. Expected values were checked independently with
// python3's gzip module: labels start 9 2 1 1 6 1 4 6 5 7, the first image's pixels sum to 33456.
TEST(RealFashionMnist, TestSplit) {
  ASSERT_TRUE(fs::is_directory(ss::kFashionMnistDir))
      << ss::kFashionMnistDir << " not present (scripts/setup.sh installs dataset-fashion-mnist)";
  auto d = ss::load_dataset("fashion-mnist", "test");
  EXPECT_EQ(d.name, "fashion-mnist");
  ASSERT_EQ(d.count(), 10000u);
  EXPECT_EQ(d.channels, 1);
  EXPECT_EQ(d.height, 28);
  EXPECT_EQ(d.width, 28);
  EXPECT_EQ(d.classes, 10);
  ASSERT_EQ(d.pixels.size(), 10000u * 784);
  for (auto l : d.labels) ASSERT_TRUE(l >= 0 && l <= 9) << l;
  EXPECT_EQ(d.labels[0], 9);  // Ankle boot
  EXPECT_EQ(std::vector<int32_t>(d.labels.begin(), d.labels.begin() + 10),
            (std::vector<int32_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  EXPECT_EQ(std::accumulate(d.image(0), d.image(0) + 784, 0), 33456);
  const std::vector<uint8_t> row14 = {0,   0,   0,   0,   0,   0,   2,   4,   1,   0,
                                      0,   0,   98,  136, 110, 109, 110, 162, 135, 144,
                                      149, 159, 167, 144, 158, 169, 119, 0};
  EXPECT_EQ(std::vector<uint8_t>(d.image(0) + 14 * 28, d.image(0) + 15 * 28), row14);
}

// Train split: 60000 samples, first label 9, first image sum 76247 (checked with python3 gzip).
TEST(RealFashionMnist, TrainSplit) {
  ASSERT_TRUE(fs::is_directory(ss::kFashionMnistDir))
      << ss::kFashionMnistDir << " not present (scripts/setup.sh installs dataset-fashion-mnist)";
  auto d = ss::load_dataset("fashion-mnist", "train");
  ASSERT_EQ(d.count(), 60000u);
  ASSERT_EQ(d.pixels.size(), 60000u * 784);
  EXPECT_EQ(d.labels[0], 9);
  EXPECT_EQ(std::accumulate(d.image(0), d.image(0) + 784, 0), 76247);
  for (auto l : d.labels) ASSERT_TRUE(l >= 0 && l <= 9) << l;
}

}  // namespace
