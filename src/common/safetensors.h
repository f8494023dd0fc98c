// Reader and writer for the safetensors format (8-byte little-endian header length, JSON
// header of {name: {dtype, shape, data_offsets}}, raw little-endian data). Every structural
// defect (truncation, overlap, wrong dtype or shape) is reported with file and tensor name.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace ss {

enum class DType { F32, F64, I8, U8, I16, I32, I64 };
size_t dtype_size(DType t);
const char* dtype_name(DType t);

struct TensorView {
  DType dtype;
  std::vector<int64_t> shape;
  std::span<const uint8_t> bytes;
  int64_t numel() const;
};

class SafeTensors {
 public:
  SafeTensors() = default;
  SafeTensors(const SafeTensors& o);  // re-points the views into the copied bytes
  SafeTensors& operator=(const SafeTensors& o);
  SafeTensors(SafeTensors&&) noexcept = default;
  SafeTensors& operator=(SafeTensors&&) noexcept = default;

  static SafeTensors load(const std::string& path);
  static SafeTensors parse(std::vector<uint8_t> bytes, const std::string& origin);

  bool has(const std::string& name) const { return index_.count(name) != 0; }
  const TensorView& get(const std::string& name) const;
  // Copies a tensor as float32 (converting F64/int types), checking the expected shape.
  std::vector<float> floats(const std::string& name, const std::vector<int64_t>& shape) const;
  std::vector<std::string> names() const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
  std::vector<uint8_t> bytes_;
  std::map<std::string, TensorView> index_;
  std::map<std::string, std::string> metadata_;
};

class SafeTensorsWriter {
 public:
  void add(const std::string& name, DType dtype, std::vector<int64_t> shape, const void* data);
  void add_f32(const std::string& name, std::vector<int64_t> shape, std::span<const float> v) {
    add(name, DType::F32, std::move(shape), v.data());
  }
  void set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }
  std::vector<uint8_t> serialize() const;
  void save(const std::string& path) const;  // atomic

 private:
  struct Entry {
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> data;
  };
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

// The bytes before the data of a file whose tensors are stored one after another in name
// order (what SafeTensorsWriter writes); `offsets` receives each tensor's data offset from the
// start of the file. Lets a writer place data it has not computed yet (a streamed spike dump).
struct TensorSpec {
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t bytes() const;
};
std::vector<uint8_t> safetensors_header(const std::map<std::string, TensorSpec>& tensors,
                                        const std::map<std::string, std::string>& metadata,
                                        std::map<std::string, uint64_t>* offsets = nullptr);

std::string shape_str(const std::vector<int64_t>& s);

}  // namespace ss
