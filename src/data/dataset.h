// Labelled image data sets (uint8 pixels, CHW) and their readers: Fashion-MNIST / MNIST IDX
// files (optionally gzip-compressed) and the CIFAR-10 / CIFAR-100 binary format.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ss {

struct Dataset {
  std::string name;
  int channels = 0, height = 0, width = 0;
  int classes = 0;
  std::vector<uint8_t> pixels;  // [count][channels][height][width]
  std::vector<int32_t> labels;  // [count]

  size_t count() const { return labels.size(); }
  size_t image_size() const { return size_t(channels) * height * width; }
  const uint8_t* image(size_t i) const { return pixels.data() + i * image_size(); }
  // Keeps the first n samples (n >= count() keeps all).
  void truncate(size_t n);
};

// IDX image + label files (e.g. train-images-idx3-ubyte[.gz]); gzip detected by magic bytes.
Dataset read_idx(const std::string& images_path, const std::string& labels_path, int classes);
// CIFAR binary batches: CIFAR-10 records are <1 label byte><3072 pixels>; CIFAR-100 records are
// <coarse label><fine label><3072 pixels> (the fine label is used). `files` are read in order.
Dataset read_cifar(const std::vector<std::string>& files, int classes);

// Named data sets: "fashion-mnist" (from the Debian package dataset-fashion-mnist, or `root`),
// "cifar10", "cifar100" (from `root`, the directory holding the published binary files).
// split is "train" or "test".
Dataset load_dataset(const std::string& name, const std::string& split, const std::string& root = "");

// Default directory of the Debian package dataset-fashion-mnist.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

}  // namespace ss
