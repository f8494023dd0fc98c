#include "data/dataset.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "common/files.h"

namespace ss {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kIdxImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr uint32_t kIdxLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr int kCifarSide = 32;
constexpr size_t kCifarPixels = 3 * kCifarSide * kCifarSide;  // 3072
// No data set we read comes anywhere near this; it stops a gzip bomb from exhausting memory.
constexpr size_t kMaxDecompressed = size_t(2) << 30;

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool is_gzip(const std::vector<uint8_t>& b) {
  return b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

// Decompresses a whole gzip file (concatenated members allowed) held in memory.
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in, const std::string& path) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 16) != Z_OK)
    throw error_at(path, "gzip", "cannot initialise zlib decompression");
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&zs};

  std::vector<uint8_t> out;
  if (in.size() >= 4) {  // ISIZE trailer: uncompressed size mod 2^32, a good first guess
    const uint8_t* t = in.data() + in.size() - 4;
    size_t isize =
        uint32_t(t[0]) | (uint32_t(t[1]) << 8) | (uint32_t(t[2]) << 16) | (uint32_t(t[3]) << 24);
    out.reserve(std::min(isize, size_t(1) << 28));
  }
  constexpr size_t kChunk = size_t(1) << 20;
  size_t fed = 0;  // input bytes handed to zlib so far
  for (;;) {
    if (zs.avail_in == 0 && fed < in.size()) {
      size_t n = std::min<size_t>(in.size() - fed, UINT_MAX);
      zs.next_in = const_cast<Bytef*>(in.data() + fed);
      zs.avail_in = static_cast<uInt>(n);
      fed += n;
    }
    if (out.size() >= kMaxDecompressed)
      throw error_at(path, "gzip", "decompressed data exceeds {} bytes (not a data set file?)",
                     kMaxDecompressed);
    size_t old = out.size();
    out.resize(old + kChunk);
    zs.next_out = out.data() + old;
    zs.avail_out = static_cast<uInt>(kChunk);
    int r = inflate(&zs, Z_NO_FLUSH);
    out.resize(old + kChunk - zs.avail_out);
    if (r == Z_STREAM_END) {
      size_t consumed = fed - zs.avail_in;
      // Another gzip member follows (as `cat a.gz b.gz` produces): keep going.
      if (consumed + 2 <= in.size() && in[consumed] == 0x1f && in[consumed + 1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      break;  // trailing bytes after the last member are ignored, as gzip(1) does
    }
    if (r == Z_OK) continue;
    if (r == Z_BUF_ERROR && zs.avail_in == 0 && fed == in.size())
      throw error_at(path, "gzip",
                     "corrupt gzip stream: data ends after {} compressed bytes, expected the "
                     "rest of the stream (truncated?)",
                     in.size());
    throw error_at(path, "gzip", "corrupt gzip stream ({}), expected valid deflate data",
                   zs.msg ? zs.msg : "zlib error " + std::to_string(r));
  }
  out.shrink_to_fit();
  return out;
}

// Whole file contents, gunzipped if the file starts with the gzip magic bytes.
std::vector<uint8_t> read_maybe_gzip(const std::string& path) {
  auto b = read_file_bytes(path);
  if (is_gzip(b)) return gunzip(b, path);
  return b;
}

std::string plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void Dataset::truncate(size_t n) {
  if (n >= count()) return;
  labels.resize(n);
  pixels.resize(n * image_size());
}

Dataset read_idx(const std::string& images_path, const std::string& labels_path, int classes) {
  if (classes < 1 || classes > 256)
    throw error_at(labels_path, "classes", "{} classes requested, expected 1..256", classes);

  // Images: magic, n, rows, cols (big-endian uint32), then n*rows*cols bytes.
  auto img = read_maybe_gzip(images_path);
  auto short_header = [](const std::string& path, size_t size, int need, const char* what) {
    return error_at(path, "header", "file has {}, expected a {}-byte IDX {} header (truncated?)",
                    plural(size, "byte"), need, what);
  };
  if (img.size() < 4) throw short_header(images_path, img.size(), 16, "image");
  uint32_t magic = be32(img.data());
  if (magic != kIdxImagesMagic)
    throw error_at(images_path, "magic", "found 0x{:08x}{}, expected 0x{:08x} (IDX images)", magic,
                   magic == kIdxLabelsMagic ? " (an IDX label file)" : "", kIdxImagesMagic);
  if (img.size() < 16) throw short_header(images_path, img.size(), 16, "image");
  uint32_t n = be32(img.data() + 4), rows = be32(img.data() + 8), cols = be32(img.data() + 12);
  if (rows < 1 || rows > 65535)
    throw error_at(images_path, "rows", "{} rows, expected 1..65535", rows);
  if (cols < 1 || cols > 65535)
    throw error_at(images_path, "cols", "{} columns, expected 1..65535", cols);
  const uint64_t image_bytes = uint64_t(rows) * cols;  // < 2^32
  const uint64_t want = image_bytes * n;               // < 2^64
  const uint64_t have = img.size() - 16;
  if (have != want)
    throw error_at(images_path, "count",
                   "header declares {} of {}x{} = {} pixel bytes, file has {}{}",
                   plural(n, "image"), rows, cols, want, have,
                   have < want ? " (truncated?)" : " (trailing data)");

  // Labels: magic, n (big-endian uint32), then n bytes.
  auto lab = read_maybe_gzip(labels_path);
  if (lab.size() < 4) throw short_header(labels_path, lab.size(), 8, "label");
  magic = be32(lab.data());
  if (magic != kIdxLabelsMagic)
    throw error_at(labels_path, "magic", "found 0x{:08x}{}, expected 0x{:08x} (IDX labels)", magic,
                   magic == kIdxImagesMagic ? " (an IDX image file)" : "", kIdxLabelsMagic);
  if (lab.size() < 8) throw short_header(labels_path, lab.size(), 8, "label");
  uint32_t nl = be32(lab.data() + 4);
  if (lab.size() - 8 != nl)
    throw error_at(labels_path, "count", "header declares {}, file has {} label bytes{}",
                   plural(nl, "label"), lab.size() - 8,
                   lab.size() - 8 < nl ? " (truncated?)" : " (trailing data)");
  if (nl != n)
    throw error_at(labels_path, "count", "{}, but {} holds {} (expected equal counts)",
                   plural(nl, "label"), images_path, plural(n, "image"));

  Dataset d;
  d.name = images_path;
  d.channels = 1;
  d.height = static_cast<int>(rows);
  d.width = static_cast<int>(cols);
  d.classes = classes;
  d.labels.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    int v = lab[8 + i];
    if (v >= classes)
      throw error_at(labels_path, "label " + std::to_string(i), "value {}, expected 0..{}", v,
                     classes - 1);
    d.labels[i] = v;
  }
  img.erase(img.begin(), img.begin() + 16);
  d.pixels = std::move(img);
  return d;
}

Dataset read_cifar(const std::vector<std::string>& files, int classes) {
  if (classes != 10 && classes != 100)
    throw error_at(files.empty() ? "" : files.front(), "classes",
                   "{} classes requested, expected 10 (CIFAR-10) or 100 (CIFAR-100)", classes);
  if (files.empty()) throw error_at("", "files", "no CIFAR batch files given, expected at least 1");
  const bool c100 = classes == 100;
  const size_t label_bytes = c100 ? 2 : 1;
  const size_t record = label_bytes + kCifarPixels;
  const char* kind = c100 ? "CIFAR-100" : "CIFAR-10";
  const char* layout = c100 ? "coarse label byte + fine label byte + 3072 pixel bytes"
                            : "label byte + 3072 pixel bytes";

  Dataset d;
  d.name = c100 ? "cifar100" : "cifar10";
  d.channels = 3;
  d.height = kCifarSide;
  d.width = kCifarSide;
  d.classes = classes;
  for (const auto& path : files) {
    auto b = read_maybe_gzip(path);
    if (b.empty())
      throw error_at(path, "count", "file is empty, expected {} records of {} bytes", kind, record);
    if (b.size() % record != 0)
      throw error_at(path, "record size",
                     "file size {} is not a multiple of the {} record size {} ({}); {} whole "
                     "records and {} bytes left over (truncated, or the other CIFAR variant?)",
                     b.size(), kind, record, layout, b.size() / record, b.size() % record);
    const size_t n = b.size() / record;
    const size_t base = d.labels.size();
    d.labels.resize(base + n);
    d.pixels.resize((base + n) * kCifarPixels);
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* r = b.data() + i * record;
      if (c100 && r[0] >= 20)
        throw error_at(path, "coarse label " + std::to_string(i), "value {}, expected 0..19",
                       int(r[0]));
      int label = r[label_bytes - 1];
      if (label >= classes)
        throw error_at(path, "label " + std::to_string(i), "value {}, expected 0..{}", label,
                       classes - 1);
      d.labels[base + i] = label;
      std::memcpy(d.pixels.data() + (base + i) * kCifarPixels, r + label_bytes, kCifarPixels);
    }
  }
  return d;
}

namespace {

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// The first of `names` present in dir, or an error naming what was expected.
std::string find_one(const fs::path& dir, const std::vector<std::string>& names,
                     const std::string& hint) {
  for (const auto& n : names)
    if (is_file(dir / n)) return (dir / n).string();
  std::string alt;
  for (size_t i = 1; i < names.size(); ++i) alt += (i > 1 ? " or " : "") + names[i];
  throw error_at((dir / names.front()).string(), "", "file not found{}; {}",
                 alt.empty() ? "" : " (nor " + alt + ")", hint);
}

// The directory holding the CIFAR files: root itself or its subdirectory as unpacked from the
// published archive.
fs::path cifar_dir(const std::string& root, const char* subdir, const std::string& probe) {
  fs::path r(root);
  if (!is_file(r / probe) && is_file(r / subdir / probe)) return r / subdir;
  return r;
}

}  // namespace

Dataset load_dataset(const std::string& name, const std::string& split, const std::string& root) {
  if (name != "fashion-mnist" && name != "cifar10" && name != "cifar100")
    throw error_at("", "data set",
                   "unknown data set '{}', expected fashion-mnist, cifar10 or cifar100", name);
  if (split != "train" && split != "test")
    throw error_at("", "split", "unknown split '{}', expected train or test", split);
  const bool train = split == "train";
  Dataset d;
  if (name == "fashion-mnist") {
    const std::string dir = root.empty() ? kFashionMnistDir : root;
    const std::string hint =
        "Fashion-MNIST is provided by the Debian package dataset-fashion-mnist "
        "(apt-get install dataset-fashion-mnist), which installs it in " +
        std::string(kFashionMnistDir);
    const std::string prefix = train ? "train" : "t10k";
    const std::string images = prefix + "-images-idx3-ubyte",
                      labels = prefix + "-labels-idx1-ubyte";
    auto ip = find_one(dir, {images + ".gz", images}, hint);
    auto lp = find_one(dir, {labels + ".gz", labels}, hint);
    d = read_idx(ip, lp, 10);
  } else if (name == "cifar10") {
    const std::string hint =
        "CIFAR-10 binary version expected (cifar-10-binary.tar.gz from "
        "https://www.cs.toronto.edu/~kriz/cifar.html, unpacked; root may be the "
        "cifar-10-batches-bin directory or its parent)";
    if (root.empty()) throw error_at("", "root", "no data directory given for cifar10; {}", hint);
    std::vector<std::string> names;
    if (train)
      for (int i = 1; i <= 5; ++i) names.push_back("data_batch_" + std::to_string(i) + ".bin");
    else
      names.push_back("test_batch.bin");
    fs::path dir = cifar_dir(root, "cifar-10-batches-bin", names.front());
    std::vector<std::string> files;
    for (const auto& n : names) files.push_back(find_one(dir, {n}, hint));
    d = read_cifar(files, 10);
  } else {
    const std::string hint =
        "CIFAR-100 binary version expected (cifar-100-binary.tar.gz from "
        "https://www.cs.toronto.edu/~kriz/cifar.html, unpacked; root may be the "
        "cifar-100-binary directory or its parent)";
    if (root.empty()) throw error_at("", "root", "no data directory given for cifar100; {}", hint);
    const std::string file = train ? "train.bin" : "test.bin";
    fs::path dir = cifar_dir(root, "cifar-100-binary", file);
    d = read_cifar({find_one(dir, {file}, hint)}, 100);
  }
  d.name = name;
  return d;
}

}  // namespace ss
