#include "import/pickle.h"

#include <bit>
#include <cstring>
#include <map>

#include "common/error.h"

namespace ss::imp {

namespace {

PyRef make(PyValue::Kind k) {
  auto v = std::make_shared<PyValue>();
  v->kind = k;
  return v;
}
PyRef make_int(int64_t i) {
  auto v = make(PyValue::Kind::Int);
  v->i = i;
  return v;
}
PyRef make_str(std::string s, PyValue::Kind k = PyValue::Kind::Str) {
  auto v = make(k);
  v->s = std::move(s);
  return v;
}

class Unpickler {
 public:
  Unpickler(std::string_view b, const std::string& origin) : b_(b), origin_(origin) {}

  PyRef run() {
    while (true) {
      const size_t at = pos_;
      const uint8_t op = u8();
      if (op == '.') {
        if (stack_.empty()) fail(at, "STOP with an empty stack");
        return stack_.back();
      }
      step(op, at);
    }
  }

 private:
  std::string_view b_;
  const std::string& origin_;
  size_t pos_ = 0;
  std::vector<PyRef> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, PyRef> memo_;

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw error_at(origin_, "", "not a readable PyTorch checkpoint: pickle byte {}: {}", at, what);
  }
  void need(size_t n) const {
    if (b_.size() - pos_ < n) fail(pos_, "truncated");
  }
  uint8_t u8() {
    need(1);
    return uint8_t(b_[pos_++]);
  }
  uint64_t le(size_t n) {
    need(n);
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= uint64_t(uint8_t(b_[pos_ + k])) << (8 * k);
    pos_ += n;
    return v;
  }
  std::string bytes(size_t n) {
    need(n);
    std::string s(b_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::string line() {
    const size_t e = b_.find('\n', pos_);
    if (e == std::string_view::npos) fail(pos_, "truncated");
    std::string s(b_.substr(pos_, e - pos_));
    pos_ = e + 1;
    return s;
  }
  PyRef pop(size_t at) {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back()))
      fail(at, "stack underflow");
    PyRef v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyRef& top(size_t at) {
    if (stack_.empty()) fail(at, "stack underflow");
    return stack_.back();
  }
  std::vector<PyRef> pop_mark(size_t at) {
    if (marks_.empty()) fail(at, "no MARK");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PyRef> v(stack_.begin() + long(m), stack_.end());
    stack_.resize(m);
    return v;
  }
  PyRef tuple(std::vector<PyRef> items) {
    auto t = make(PyValue::Kind::Tuple);
    t->items = std::move(items);
    return t;
  }
  void set_items(size_t at, PyRef& d, const std::vector<PyRef>& kv) {
    if (kv.size() % 2) fail(at, "odd number of dict items");
    if (d->kind != PyValue::Kind::Dict && d->kind != PyValue::Kind::Object)
      fail(at, "SETITEM on a value that is not a dict");
    for (size_t k = 0; k < kv.size(); k += 2) d->dict.emplace_back(kv[k], kv[k + 1]);
  }
  void memo_put(uint64_t k, size_t at) { memo_[k] = top(at); }
  PyRef memo_get(uint64_t k, size_t at) {
    auto it = memo_.find(k);
    if (it == memo_.end()) fail(at, "unknown memo key");
    return it->second;
  }

  static int64_t as_int(const PyRef& v, size_t at, const Unpickler& u) {
    if (v->kind == PyValue::Kind::Int) return v->i;
    if (v->kind == PyValue::Kind::Bool) return v->i;
    u.fail(at, "expected an integer");
  }
  std::vector<int64_t> int_tuple(const PyRef& v, size_t at) const {
    if (v->kind != PyValue::Kind::Tuple && v->kind != PyValue::Kind::List)
      fail(at, "expected a tuple of integers");
    std::vector<int64_t> out;
    for (auto& e : v->items) out.push_back(as_int(e, at, *this));
    return out;
  }

  // What calling a global with arguments gives: tensors and dicts are understood, anything
  // else stays an opaque object.
  PyRef call(const PyRef& fn, const PyRef& args, size_t at) {
    const std::string name = fn->kind == PyValue::Kind::Global ? fn->s : std::string();
    const auto& a = args->items;
    if (name == "collections.OrderedDict" || name == "builtins.dict")
      return make(PyValue::Kind::Dict);
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
      if (a.size() < 4 || a[0]->kind != PyValue::Kind::Storage) fail(at, "malformed tensor");
      auto t = make(PyValue::Kind::Tensor);
      t->tensor = a[0]->tensor;
      t->tensor.offset = as_int(a[1], at, *this);
      t->tensor.shape = int_tuple(a[2], at);
      t->tensor.stride = int_tuple(a[3], at);
      if (t->tensor.shape.size() != t->tensor.stride.size())
        fail(at, "tensor sizes and strides differ in rank");
      return t;
    }
    if (name == "torch._utils._rebuild_parameter" ||
        name == "torch._utils._rebuild_parameter_with_state") {
      if (a.empty()) fail(at, "malformed parameter");
      return a[0];
    }
    auto o = make_str(name, PyValue::Kind::Object);
    o->items = a;
    return o;
  }

  void step(uint8_t op, size_t at) {
    using K = PyValue::Kind;
    switch (op) {
      case 0x80:
        (void)u8();
        break;  // PROTO
      case 0x95:
        (void)le(8);
        break;  // FRAME
      case '(':
        marks_.push_back(stack_.size());
        break;
      case ')':
        stack_.push_back(tuple({}));
        break;
      case 't':
        stack_.push_back(tuple(pop_mark(at)));
        break;
      case 0x85: {
        auto a = pop(at);
        stack_.push_back(tuple({a}));
        break;
      }
      case 0x86: {
        auto b = pop(at), a = pop(at);
        stack_.push_back(tuple({a, b}));
        break;
      }
      case 0x87: {
        auto c = pop(at), b = pop(at), a = pop(at);
        stack_.push_back(tuple({a, b, c}));
        break;
      }
      case ']':
        stack_.push_back(make(K::List));
        break;
      case 'l': {
        auto l = make(K::List);
        l->items = pop_mark(at);
        stack_.push_back(l);
        break;
      }
      case 'a': {
        auto v = pop(at);
        top(at)->items.push_back(v);
        break;
      }
      case 'e': {
        auto v = pop_mark(at);
        auto& l = top(at)->items;
        l.insert(l.end(), v.begin(), v.end());
        break;
      }
      case '}':
        stack_.push_back(make(K::Dict));
        break;
      case 'd': {
        auto d = make(K::Dict);
        set_items(at, d, pop_mark(at));
        stack_.push_back(d);
        break;
      }
      case 's': {
        auto v = pop(at), k = pop(at);
        set_items(at, top(at), {k, v});
        break;
      }
      case 'u': {
        auto kv = pop_mark(at);
        set_items(at, top(at), kv);
        break;
      }
      case 0x8f:
        stack_.push_back(make(K::List));
        break;  // EMPTY_SET: kept as a list
      case 0x90: {
        auto v = pop_mark(at);
        auto& l = top(at)->items;
        l.insert(l.end(), v.begin(), v.end());
        break;
      }
      case 0x91: {
        auto l = make(K::List);
        l->items = pop_mark(at);
        stack_.push_back(l);
        break;
      }
      case 'X': {
        auto n = le(4);
        stack_.push_back(make_str(bytes(n)));
        break;
      }
      case 0x8c: {
        auto n = le(1);
        stack_.push_back(make_str(bytes(n)));
        break;
      }
      case 0x8d: {
        auto n = le(8);
        stack_.push_back(make_str(bytes(n)));
        break;
      }
      case 'U': {
        auto n = le(1);
        stack_.push_back(make_str(bytes(n)));
        break;
      }
      case 'T': {
        auto n = le(4);
        stack_.push_back(make_str(bytes(n)));
        break;
      }
      case 'C': {
        auto n = le(1);
        stack_.push_back(make_str(bytes(n), K::Bytes));
        break;
      }
      case 'B': {
        auto n = le(4);
        stack_.push_back(make_str(bytes(n), K::Bytes));
        break;
      }
      case 0x8e: {
        auto n = le(8);
        stack_.push_back(make_str(bytes(n), K::Bytes));
        break;
      }
      case 'K':
        stack_.push_back(make_int(int64_t(le(1))));
        break;
      case 'M':
        stack_.push_back(make_int(int64_t(le(2))));
        break;
      case 'J':
        stack_.push_back(make_int(int64_t(int32_t(uint32_t(le(4))))));
        break;
      case 0x8a: {  // LONG1: little-endian two's complement of n bytes
        const size_t n = le(1);
        if (n > 8) fail(at, "integer wider than 64 bits");
        uint64_t v = n ? le(n) : 0;
        if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);
        stack_.push_back(make_int(int64_t(v)));
        break;
      }
      case 'I': {
        const std::string s = line();
        if (s == "00" || s == "01") {
          auto v = make(K::Bool);
          v->i = s == "01";
          stack_.push_back(v);
        } else {
          stack_.push_back(make_int(std::stoll(s)));
        }
        break;
      }
      case 'G': {
        const uint64_t v = __builtin_bswap64(le(8));  // big-endian
        auto d = make(K::Float);
        std::memcpy(&d->f, &v, 8);
        stack_.push_back(d);
        break;
      }
      case 'N':
        stack_.push_back(make(K::None));
        break;
      case 0x88:
      case 0x89: {
        auto v = make(K::Bool);
        v->i = op == 0x88;
        stack_.push_back(v);
        break;
      }
      case 'c': {
        std::string mod = line(), name = line();
        stack_.push_back(make_str(mod + "." + name, K::Global));
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        auto name = pop(at), mod = pop(at);
        stack_.push_back(make_str(mod->s + "." + name->s, K::Global));
        break;
      }
      case 'R': {
        auto args = pop(at), fn = pop(at);
        stack_.push_back(call(fn, args, at));
        break;
      }
      case 0x81: {
        auto args = pop(at), cls = pop(at);
        stack_.push_back(call(cls, args, at));
        break;
      }
      case 0x92: {
        (void)pop(at);
        auto args = pop(at), cls = pop(at);
        stack_.push_back(call(cls, args, at));
        break;
      }
      case 'b': {  // BUILD: an object's state; a dict's (OrderedDict _metadata) is dropped
        auto st = pop(at);
        PyRef& o = top(at);
        if (o->kind == K::Object) {
          if (st->kind == K::Dict)
            o->dict.insert(o->dict.end(), st->dict.begin(), st->dict.end());
          else
            o->state = st;
        }
        break;
      }
      case 'Q': {  // BINPERSID: ('storage', type, key, location, numel)
        auto pid = pop(at);
        if (pid->kind != K::Tuple || pid->items.size() < 5 || pid->items[0]->s != "storage")
          fail(at, "unknown persistent id (not a torch storage)");
        auto s = make(K::Storage);
        const std::string& type = pid->items[1]->s;
        s->tensor.storage_type = type.substr(type.rfind('.') + 1);
        s->tensor.storage_key = pid->items[2]->s;
        s->tensor.storage_numel = as_int(pid->items[4], at, *this);
        stack_.push_back(s);
        break;
      }
      case 'q':
        memo_put(le(1), at);
        break;
      case 'r':
        memo_put(le(4), at);
        break;
      case 0x94:
        memo_put(memo_.size(), at);
        break;
      case 'p':
        memo_put(std::stoull(line()), at);
        break;
      case 'h':
        stack_.push_back(memo_get(le(1), at));
        break;
      case 'j':
        stack_.push_back(memo_get(le(4), at));
        break;
      case 'g':
        stack_.push_back(memo_get(std::stoull(line()), at));
        break;
      case '0':
        (void)pop(at);
        break;
      case '1':
        (void)pop_mark(at);
        break;
      case '2':
        stack_.push_back(top(at));
        break;
      default:
        fail(at, "unsupported pickle opcode 0x" + fmt::format("{:02x}", op));
    }
  }
};

}  // namespace

PyRef unpickle(std::string_view bytes, const std::string& origin) {
  try {
    return Unpickler(bytes, origin).run();
  } catch (const std::invalid_argument&) {
    throw error_at(origin, "", "not a readable PyTorch checkpoint: malformed number in the pickle");
  } catch (const std::out_of_range&) {
    throw error_at(origin, "",
                   "not a readable PyTorch checkpoint: number out of range in the pickle");
  }
}

}  // namespace ss::imp
