#include "common/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/files.h"

namespace ss {

namespace {
struct DTypeInfo {
  DType t;
  const char* name;
  size_t size;
};
constexpr DTypeInfo kTypes[] = {{DType::F32, "F32", 4}, {DType::F64, "F64", 8},
                                {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
                                {DType::I16, "I16", 2}, {DType::I32, "I32", 4},
                                {DType::I64, "I64", 8}};
}  // namespace

size_t dtype_size(DType t) {
  for (auto& i : kTypes)
    if (i.t == t) return i.size;
  return 0;
}
const char* dtype_name(DType t) {
  for (auto& i : kTypes)
    if (i.t == t) return i.name;
  return "?";
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

SafeTensors SafeTensors::load(const std::string& path) {
  return parse(read_file_bytes(path), path);
}

SafeTensors SafeTensors::parse(std::vector<uint8_t> bytes, const std::string& origin) {
  SafeTensors st;
  st.origin_ = origin;
  st.bytes_ = std::move(bytes);
  const auto& b = st.bytes_;
  if (b.size() < 8) throw error_at(origin, "header", "file too short for a safetensors header");
  uint64_t hlen = 0;
  std::memcpy(&hlen, b.data(), 8);
  if (hlen > b.size() - 8)
    throw error_at(origin, "header", "header length {} exceeds file size {} (truncated?)", hlen,
                   b.size());
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(b.begin() + 8, b.begin() + 8 + static_cast<int64_t>(hlen));
  } catch (const std::exception& e) {
    throw error_at(origin, "header", "not valid JSON ({})", printable(e.what()));
  }
  if (!h.is_object()) throw error_at(origin, "header", "expected a JSON object");
  const size_t data_start = 8 + hlen;
  const size_t data_size = b.size() - data_start;
  struct Range {
    uint64_t begin, end;
    std::string name;
  };
  std::vector<Range> ranges;  // non-empty tensors, to reject overlapping data
  for (auto& [name, v] : h.items()) {
    if (name == "__metadata__") {
      if (v.is_object())
        for (auto& [k, mv] : v.items())
          if (mv.is_string()) st.metadata_[k] = mv.get<std::string>();
      continue;
    }
    try {
      TensorView tv;
      std::string dt = v.at("dtype").get<std::string>();
      bool found = false;
      for (auto& i : kTypes)
        if (dt == i.name) tv.dtype = i.t, found = true;
      if (!found) throw error_at(origin, name, "unsupported dtype '{}'", dt);
      // integers only: get<int64_t>() would read 10.5 as 10 and true as 1
      const auto& js = v.at("shape");
      bool ints = js.is_array();
      for (const auto& d : js) ints = ints && d.is_number_integer() && d.get<int64_t>() >= 0;
      if (!ints)
        throw error_at(origin, name, "shape {}: expected non-negative integers", js.dump());
      tv.shape = js.get<std::vector<int64_t>>();
      const auto& jo = v.at("data_offsets");
      ints = jo.is_array() && jo.size() == 2;
      for (const auto& o : jo) ints = ints && o.is_number_unsigned();
      if (!ints)
        throw error_at(origin, name, "data_offsets {}: expected two non-negative integers",
                       jo.dump());
      auto off = jo.get<std::vector<uint64_t>>();
      if (off[0] > off[1]) throw error_at(origin, name, "data_offsets must be [begin, end]");
      uint64_t need = dtype_size(tv.dtype);
      for (auto d : tv.shape) {
        if (d < 0) throw error_at(origin, name, "negative dimension in shape");
        if (__builtin_mul_overflow(need, static_cast<uint64_t>(d), &need))
          throw error_at(origin, name, "shape {} of {} is too large", shape_str(tv.shape), dt);
      }
      if (off[1] - off[0] != need)
        throw error_at(origin, name, "shape {} of {} needs {} bytes, offsets give {}",
                       shape_str(tv.shape), dt, need, off[1] - off[0]);
      if (off[1] > data_size)
        throw error_at(origin, name, "data ends at byte {} but file has {} data bytes (truncated?)",
                       off[1], data_size);
      tv.bytes = std::span<const uint8_t>(b.data() + data_start + off[0], need);
      if (need) ranges.push_back({off[0], off[1], name});
      st.index_.emplace(name, std::move(tv));
    } catch (const nlohmann::json::exception& e) {
      throw error_at(origin, name, "malformed tensor entry ({})", e.what());
    }
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& x, const Range& y) { return x.begin < y.begin; });
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].begin < ranges[i - 1].end)
      throw error_at(origin, ranges[i].name,
                     "data_offsets [{}, {}] overlap those of '{}' [{}, {}], expected disjoint data",
                     ranges[i].begin, ranges[i].end, ranges[i - 1].name, ranges[i - 1].begin,
                     ranges[i - 1].end);
  return st;
}

// The views point into bytes_: a copy must point into its own buffer.
SafeTensors::SafeTensors(const SafeTensors& o)
    : origin_(o.origin_), bytes_(o.bytes_), index_(o.index_), metadata_(o.metadata_) {
  for (auto& [name, tv] : index_)
    tv.bytes = std::span<const uint8_t>(bytes_.data() + (tv.bytes.data() - o.bytes_.data()),
                                        tv.bytes.size());
}

SafeTensors& SafeTensors::operator=(const SafeTensors& o) {
  if (this != &o) *this = SafeTensors(o);
  return *this;
}

const TensorView& SafeTensors::get(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw error_at(origin_, name, "tensor missing from weights file");
  return it->second;
}

std::vector<float> SafeTensors::floats(const std::string& name,
                                       const std::vector<int64_t>& shape) const {
  const auto& t = get(name);
  if (t.shape != shape)
    throw error_at(origin_, name, "expected shape {}, file has {}", shape_str(shape),
                   shape_str(t.shape));
  std::vector<float> out(static_cast<size_t>(t.numel()));
  auto load = [&]<typename T>(T) {
    for (size_t i = 0; i < out.size(); ++i) {
      T v;
      std::memcpy(&v, t.bytes.data() + i * sizeof(T), sizeof(T));
      out[i] = static_cast<float>(v);
    }
  };
  switch (t.dtype) {
    case DType::F32: load(float{}); break;
    case DType::F64: load(double{}); break;
    case DType::I8: load(int8_t{}); break;
    case DType::U8: load(uint8_t{}); break;
    case DType::I16: load(int16_t{}); break;
    case DType::I32: load(int32_t{}); break;
    case DType::I64: load(int64_t{}); break;
  }
  return out;
}

std::vector<std::string> SafeTensors::names() const {
  std::vector<std::string> r;
  for (auto& [k, v] : index_) r.push_back(k);
  return r;
}

void SafeTensorsWriter::add(const std::string& name, DType dtype, std::vector<int64_t> shape,
                            const void* data) {
  Entry e{dtype, std::move(shape), {}};
  int64_t n = 1;
  for (auto d : e.shape) n *= d;
  e.data.resize(static_cast<size_t>(n) * dtype_size(dtype));
  if (!e.data.empty()) std::memcpy(e.data.data(), data, e.data.size());
  entries_[name] = std::move(e);
}

uint64_t TensorSpec::bytes() const {
  uint64_t n = dtype_size(dtype);
  for (auto d : shape) n *= uint64_t(d);
  return n;
}

std::vector<uint8_t> safetensors_header(const std::map<std::string, TensorSpec>& tensors,
                                        const std::map<std::string, std::string>& metadata,
                                        std::map<std::string, uint64_t>* offsets) {
  nlohmann::json h = nlohmann::json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  uint64_t off = 0;
  for (auto& [name, t] : tensors) {
    const uint64_t size = t.bytes();
    h[name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {off, off + size}}};
    off += size;
  }
  std::string hs = h.dump();
  while ((8 + hs.size()) % 8) hs += ' ';  // align data to 8 bytes
  std::vector<uint8_t> out(8 + hs.size());
  uint64_t hlen = hs.size();
  std::memcpy(out.data(), &hlen, 8);
  std::memcpy(out.data() + 8, hs.data(), hs.size());
  if (offsets) {
    off = out.size();
    for (auto& [name, t] : tensors) (*offsets)[name] = off, off += t.bytes();
  }
  return out;
}

std::vector<uint8_t> SafeTensorsWriter::serialize() const {
  std::map<std::string, TensorSpec> specs;
  for (auto& [name, e] : entries_) specs[name] = {e.dtype, e.shape};
  std::vector<uint8_t> out = safetensors_header(specs, metadata_);
  for (auto& [name, e] : entries_) out.insert(out.end(), e.data.begin(), e.data.end());
  return out;
}

void SafeTensorsWriter::save(const std::string& path) const {
  auto b = serialize();
  write_file_atomic(path, b.data(), b.size());
}

}  // namespace ss
