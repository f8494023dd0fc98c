// A small reader of Python pickles, enough for what torch.save writes: dicts (OrderedDict),
// lists, tuples, strings, numbers, tensors rebuilt from their storages, and any other object
// kept opaque as its class name with its arguments and state. Executes nothing: a global is
// only ever a name. Errors name the origin and the byte offset.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ss::imp {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

// A tensor as torch pickles it: a view (offset, sizes, strides in elements) of a storage.
struct TensorRef {
  std::string storage_key;   // the entry data/<key> of the archive
  std::string storage_type;  // "FloatStorage", "LongStorage", ...
  int64_t storage_numel = 0;
  int64_t offset = 0;
  std::vector<int64_t> shape, stride;
};

struct PyValue {
  enum class Kind {
    None,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    Tuple,
    List,
    Dict,
    Global,
    Object,
    Storage,
    Tensor
  };
  Kind kind = Kind::None;
  int64_t i = 0;
  double f = 0;
  std::string s;                              // Str, Bytes; Global / Object: "module.name"
  std::vector<PyRef> items;                   // Tuple, List; Object: its arguments
  std::vector<std::pair<PyRef, PyRef>> dict;  // Dict (insertion order); Object: its state dict
  PyRef state;                                // Object: a BUILD state that is not a dict
  TensorRef tensor;                           // Storage (key, type, numel), Tensor
};

PyRef unpickle(std::string_view bytes, const std::string& origin);

}  // namespace ss::imp
