#include "import/torch_file.h"

#include <bit>
#include <cstring>
#include <map>
#include <string_view>

#include "common/error.h"
#include "common/files.h"
#include "import/pickle.h"

namespace ss::imp {

namespace {

// The stored (uncompressed) entries of a zip archive, as views into its bytes. torch.save
// stores every entry; a compressed one (re-zipped file) is then missing where it is needed.
std::map<std::string, std::string_view> zip_entries(const std::string& bytes,
                                                    const std::string& path) {
  auto bad = [&](const std::string& what) {
    return error_at(path, "", "not a readable PyTorch checkpoint: {}", what);
  };
  auto rd = [&](size_t at, size_t n) -> uint64_t {
    if (at > bytes.size() || bytes.size() - at < n) throw bad("truncated zip archive");
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= uint64_t(uint8_t(bytes[at + k])) << (8 * k);
    return v;
  };
  if (bytes.size() >= 2 && uint8_t(bytes[0]) == 0x80)
    throw bad(
        "the legacy format of torch.save before PyTorch 1.6; save it again with a newer "
        "PyTorch (torch.save(torch.load(f), f))");
  if (bytes.size() < 22 || bytes.compare(0, 4, "PK\x03\x04") != 0)
    throw bad("not a zip archive (torch.save writes one)");
  // end of central directory: the last "PK\5\6" within the final 64 KiB + 22 bytes
  size_t eocd = std::string::npos;
  for (size_t at = bytes.size() - 22;; --at) {
    if (rd(at, 4) == 0x06054b50) {
      eocd = at;
      break;
    }
    if (at == 0 || bytes.size() - at > 65557) break;
  }
  if (eocd == std::string::npos) throw bad("zip archive without its directory (truncated?)");
  const uint64_t count = rd(eocd + 10, 2), dir = rd(eocd + 16, 4);
  if (count == 0xffff || dir == 0xffffffff)
    throw bad("ZIP64 archives (over 4 GiB) are not supported");
  std::map<std::string, std::string_view> out;
  size_t at = dir;
  for (uint64_t e = 0; e < count; ++e) {
    if (rd(at, 4) != 0x02014b50) throw bad("corrupt zip directory");
    const uint64_t method = rd(at + 10, 2), csize = rd(at + 20, 4), usize = rd(at + 24, 4);
    const uint64_t nlen = rd(at + 28, 2), xlen = rd(at + 30, 2), clen = rd(at + 32, 2);
    const uint64_t local = rd(at + 42, 4);
    (void)rd(at + 46, nlen);
    std::string name = bytes.substr(at + 46, nlen);
    at += 46 + nlen + xlen + clen;
    // compressed entries (a TorchScript archive's code) are never read: left out
    if (method != 0 || csize != usize) continue;
    if (rd(local, 4) != 0x04034b50) throw bad("corrupt zip entry " + name);
    const size_t data = local + 30 + rd(local + 26, 2) + rd(local + 28, 2);
    (void)rd(data, usize);  // the whole entry is there
    out[name] = std::string_view(bytes).substr(data, usize);
  }
  return out;
}

size_t element_size(const std::string& type) {
  static const std::map<std::string, size_t> sizes = {
      {"FloatStorage", 4}, {"DoubleStorage", 8}, {"HalfStorage", 2},  {"BFloat16Storage", 2},
      {"LongStorage", 8},  {"IntStorage", 4},    {"ShortStorage", 2}, {"CharStorage", 1},
      {"ByteStorage", 1},  {"BoolStorage", 1}};
  auto it = sizes.find(type);
  return it == sizes.end() ? 0 : it->second;
}

float element(const std::string& type, const char* p) {
  auto get = [&](auto v) {
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  if (type == "FloatStorage") return get(float());
  if (type == "DoubleStorage") return float(get(double()));
  if (type == "LongStorage") return float(get(int64_t()));
  if (type == "IntStorage") return float(get(int32_t()));
  if (type == "ShortStorage") return float(get(int16_t()));
  if (type == "CharStorage") return float(get(int8_t()));
  if (type == "ByteStorage" || type == "BoolStorage") return float(get(uint8_t()));
  const uint16_t h = get(uint16_t());
  if (type == "BFloat16Storage") return std::bit_cast<float>(uint32_t(h) << 16);
  // HalfStorage: IEEE binary16
  const uint32_t sign = uint32_t(h >> 15) << 31, ex = (h >> 10) & 0x1f, man = h & 0x3ff;
  if (ex == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (man << 13));
  if (ex == 0) return (sign ? -1.f : 1.f) * float(man) * 0x1p-24f;
  return std::bit_cast<float>(sign | ((ex + 112) << 23) | (man << 13));
}

NamedTensor load_tensor(const std::string& name, const TensorRef& t,
                        const std::map<std::string, std::string_view>& entries,
                        const std::string& prefix, const std::string& path) {
  const size_t es = element_size(t.storage_type);
  if (!es) throw error_at(path, name, "unsupported tensor type {}", t.storage_type);
  auto it = entries.find(prefix + "data/" + t.storage_key);
  if (it == entries.end())
    throw error_at(path, name, "its data (archive entry data/{}) is missing or compressed",
                   t.storage_key);
  const std::string_view data = it->second;
  if (t.storage_numel < 0 || data.size() / es < uint64_t(t.storage_numel))
    throw error_at(path, name,
                   "its data holds {} bytes, expected {} elements of {} bytes (truncated?)",
                   data.size(), t.storage_numel, es);
  NamedTensor out{name, t.shape, {}};
  int64_t numel = 1, last = t.offset;
  for (size_t d = 0; d < t.shape.size(); ++d) {
    if (t.shape[d] < 0 || t.stride[d] < 0 || t.shape[d] > (int64_t(1) << 31))
      throw error_at(path, name, "malformed sizes or strides");
    numel *= t.shape[d];
    if (numel > (int64_t(1) << 31)) throw error_at(path, name, "more than 2^31 elements");
    if (t.shape[d]) last += (t.shape[d] - 1) * t.stride[d];
  }
  if (numel && (t.offset < 0 || last >= t.storage_numel))
    throw error_at(path, name, "view reaches past its storage");
  out.values.resize(size_t(numel));
  std::vector<int64_t> idx(t.shape.size(), 0);
  for (int64_t k = 0; k < numel; ++k) {
    int64_t off = t.offset;
    for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * t.stride[d];
    out.values[size_t(k)] = element(t.storage_type, data.data() + size_t(off) * es);
    for (size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const PyRef* find(const PyValue& d, const std::string& key) {
  for (const auto& [k, v] : d.dict)
    if (k->kind == PyValue::Kind::Str && k->s == key) return &v;
  return nullptr;
}

// Tensors under a dict (or module object), with dotted names.
void collect(const PyRef& v, const std::string& name,
             std::vector<std::pair<std::string, TensorRef>>& out) {
  using K = PyValue::Kind;
  if (v->kind == K::Tensor) {
    out.emplace_back(name, v->tensor);
  } else if (v->kind == K::Dict || v->kind == K::Object) {
    for (const auto& [k, e] : v->dict) {
      const std::string key = k->kind == K::Str   ? k->s
                              : k->kind == K::Int ? std::to_string(k->i)
                                                  : "?";
      collect(e, name.empty() ? key : name + "." + key, out);
    }
  }
}

}  // namespace

TorchCheckpoint read_torch_checkpoint(const std::string& path) {
  const std::string bytes = read_file_text(path);
  const auto entries = zip_entries(bytes, path);
  std::string pkl;
  for (const auto& [n, d] : entries)
    if (n.size() >= 9 && n.compare(n.size() - 9, 9, "/data.pkl") == 0 &&
        n.find('/') == n.size() - 9) {
      pkl = n;
      break;
    }
  if (pkl.empty())
    throw error_at(path, "",
                   "not a readable PyTorch checkpoint: no stored data.pkl in the archive");
  const std::string prefix = pkl.substr(0, pkl.size() - 8);
  if (auto bo = entries.find(prefix + "byteorder"); bo != entries.end() && bo->second != "little")
    throw error_at(path, "", "tensors are stored {}-endian; only little-endian files are read",
                   std::string(bo->second));
  const PyRef root = unpickle(entries.at(pkl), path);
  TorchCheckpoint ck;
  ck.path = path;
  PyRef sd = root;
  if (root->kind == PyValue::Kind::Dict || root->kind == PyValue::Kind::Object) {
    for (const char* key : {"state_dict", "model_state_dict", "model"})
      if (const PyRef* v = find(*root, key);
          v && ((*v)->kind == PyValue::Kind::Dict || (*v)->kind == PyValue::Kind::Object)) {
        sd = *v;
        ck.dict_key = key;
        break;
      }
    if (const PyRef* fp = find(*root, "fingerprint"); fp && (*fp)->kind == PyValue::Kind::Tensor) {
      NamedTensor t = load_tensor("fingerprint", (*fp)->tensor, entries, prefix, path);
      for (float c : t.values) ck.fingerprint += char(uint8_t(c));
    }
  }
  if (sd->kind != PyValue::Kind::Dict && sd->kind != PyValue::Kind::Object)
    throw error_at(path, "",
                   "holds no dict of tensors (expected torch.save(model.state_dict(), path))");
  std::vector<std::pair<std::string, TensorRef>> refs;
  collect(sd, "", refs);
  bool all_module = !refs.empty();
  for (const auto& [n, t] : refs) all_module = all_module && n.rfind("module.", 0) == 0;
  for (const auto& [n, t] : refs)
    ck.tensors.push_back(load_tensor(all_module ? n.substr(7) : n, t, entries, prefix, path));
  if (ck.tensors.empty())
    throw error_at(path, ck.dict_key,
                   "holds no tensors (expected torch.save(model.state_dict(), path))");
  return ck;
}

}  // namespace ss::imp
