#include "common/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>

#include "common/error.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace {

// The ss::Error message thrown by f ("" and a test failure when nothing, or something else, is
// thrown).
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

template <typename T>
std::vector<uint8_t> raw(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// A file as an independent writer would produce it: 8-byte LE header length, JSON, data.
std::vector<uint8_t> hand_file(const std::string& json, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b(8 + json.size() + data.size());
  uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(n >> (8 * i));
  std::copy(json.begin(), json.end(), b.begin() + 8);
  std::copy(data.begin(), data.end(), b.begin() + 8 + static_cast<ptrdiff_t>(json.size()));
  return b;
}

class SafeTensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ss_safetensors_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& n) const { return (dir_ / n).string(); }
  fs::path dir_;
};

TEST(SafeTensorsDType, SizesAndNames) {
  EXPECT_EQ(ss::dtype_size(ss::DType::F32), 4u);
  EXPECT_EQ(ss::dtype_size(ss::DType::F64), 8u);
  EXPECT_EQ(ss::dtype_size(ss::DType::I8), 1u);
  EXPECT_EQ(ss::dtype_size(ss::DType::U8), 1u);
  EXPECT_EQ(ss::dtype_size(ss::DType::I16), 2u);
  EXPECT_EQ(ss::dtype_size(ss::DType::I32), 4u);
  EXPECT_EQ(ss::dtype_size(ss::DType::I64), 8u);
  EXPECT_STREQ(ss::dtype_name(ss::DType::F32), "F32");
  EXPECT_STREQ(ss::dtype_name(ss::DType::F64), "F64");
  EXPECT_STREQ(ss::dtype_name(ss::DType::I8), "I8");
  EXPECT_STREQ(ss::dtype_name(ss::DType::U8), "U8");
  EXPECT_STREQ(ss::dtype_name(ss::DType::I16), "I16");
  EXPECT_STREQ(ss::dtype_name(ss::DType::I32), "I32");
  EXPECT_STREQ(ss::dtype_name(ss::DType::I64), "I64");
  EXPECT_EQ(ss::shape_str({}), "[]");
  EXPECT_EQ(ss::shape_str({2, 3}), "[2, 3]");
}

TEST_F(SafeTensorsTest, RoundTripEveryDTypeAndMetadata) {
  const std::vector<float> f32 = {1.5f, -2.25f, 0.0f, 3e7f, -1e-3f, 42.0f};
  const std::vector<double> f64 = {0.1, -1e10, 3.0};
  const std::vector<int8_t> i8 = {-128, -1, 0, 127};
  const std::vector<uint8_t> u8 = {0, 1, 200, 255, 7};
  const std::vector<int16_t> i16 = {-32768, 32767, -3, 4};
  const std::vector<int32_t> i32 = {INT32_MIN, INT32_MAX, 0, -5, 6, 7};
  const std::vector<int64_t> i64 = {INT64_MIN, INT64_MAX, -9, 1LL << 40};
  const std::vector<float> scalar = {7.0f};

  ss::SafeTensorsWriter w;
  w.add_f32("layer.f32", {2, 3}, f32);
  w.add("f64", ss::DType::F64, {3}, f64.data());
  w.add("i8", ss::DType::I8, {2, 2}, i8.data());
  w.add("u8", ss::DType::U8, {5}, u8.data());
  w.add("i16", ss::DType::I16, {4, 1}, i16.data());
  w.add("i32", ss::DType::I32, {3, 2}, i32.data());
  w.add("i64", ss::DType::I64, {4}, i64.data());
  w.add_f32("scalar", {}, scalar);
  w.add("empty", ss::DType::F32, {0, 3}, nullptr);
  w.set_metadata("format", "pt");
  w.set_metadata("note", "quotes \" and \\ and ünïcode");
  const std::string file = path("sub/dir/model.safetensors");
  w.save(file);

  auto st = ss::SafeTensors::load(file);
  EXPECT_EQ(st.origin(), file);
  EXPECT_EQ(st.names(), (std::vector<std::string>{"empty", "f64", "i16", "i32", "i64", "i8",
                                                  "layer.f32", "scalar", "u8"}));
  EXPECT_EQ(st.metadata(), (std::map<std::string, std::string>{
                               {"format", "pt"}, {"note", "quotes \" and \\ and ünïcode"}}));
  EXPECT_FALSE(st.has("__metadata__"));

  auto check = [&](const std::string& name, ss::DType dt, std::vector<int64_t> shape,
                   const std::vector<uint8_t>& bytes) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(st.has(name));
    const auto& t = st.get(name);
    EXPECT_EQ(t.dtype, dt);
    EXPECT_EQ(t.shape, shape);
    EXPECT_EQ(std::vector<uint8_t>(t.bytes.begin(), t.bytes.end()), bytes);
  };
  check("layer.f32", ss::DType::F32, {2, 3}, raw(f32));
  check("f64", ss::DType::F64, {3}, raw(f64));
  check("i8", ss::DType::I8, {2, 2}, raw(i8));
  check("u8", ss::DType::U8, {5}, raw(u8));
  check("i16", ss::DType::I16, {4, 1}, raw(i16));
  check("i32", ss::DType::I32, {3, 2}, raw(i32));
  check("i64", ss::DType::I64, {4}, raw(i64));
  check("scalar", ss::DType::F32, {}, raw(scalar));
  check("empty", ss::DType::F32, {0, 3}, {});
  EXPECT_EQ(st.get("scalar").numel(), 1);
  EXPECT_EQ(st.get("empty").numel(), 0);

  // floats() converts every dtype.
  EXPECT_EQ(st.floats("layer.f32", {2, 3}), f32);
  EXPECT_EQ(st.floats("f64", {3}), (std::vector<float>{0.1f, -1e10f, 3.0f}));
  EXPECT_EQ(st.floats("i8", {2, 2}), (std::vector<float>{-128, -1, 0, 127}));
  EXPECT_EQ(st.floats("u8", {5}), (std::vector<float>{0, 1, 200, 255, 7}));
  EXPECT_EQ(st.floats("i16", {4, 1}), (std::vector<float>{-32768, 32767, -3, 4}));
  EXPECT_EQ(st.floats("i32", {3, 2}),
            (std::vector<float>{-2147483648.0f, 2147483647.0f, 0, -5, 6, 7}));
  EXPECT_EQ(
      st.floats("i64", {4}),
      (std::vector<float>{-9223372036854775808.0f, 9223372036854775807.0f, -9, 1099511627776.0f}));
  EXPECT_EQ(st.floats("scalar", {}), scalar);
  EXPECT_TRUE(st.floats("empty", {0, 3}).empty());

  // Data is 8-byte aligned after the header, and serialize() equals the saved bytes.
  auto bytes = ss::read_file_bytes(file);
  EXPECT_EQ(bytes, w.serialize());
  uint64_t hlen = 0;
  std::memcpy(&hlen, bytes.data(), 8);
  EXPECT_EQ((8 + hlen) % 8, 0u);
}

TEST_F(SafeTensorsTest, ParseFromMemoryAndCopiesStayValid) {
  std::vector<float> v = {1, 2, 3, 4};
  ss::SafeTensorsWriter w;
  w.add_f32("w", {2, 2}, v);
  std::optional<ss::SafeTensors> a = ss::SafeTensors::parse(w.serialize(), "mem");
  ss::SafeTensors copy = *a;
  ss::SafeTensors assigned = ss::SafeTensors::parse(ss::SafeTensorsWriter().serialize(), "x");
  EXPECT_TRUE(assigned.names().empty());
  assigned = *a;
  ss::SafeTensors moved = std::move(*a);
  a.reset();  // the original's buffer is gone: views of the copies must not point into it
  EXPECT_EQ(copy.floats("w", {2, 2}), v);
  EXPECT_EQ(assigned.floats("w", {2, 2}), v);
  EXPECT_EQ(moved.floats("w", {2, 2}), v);
  EXPECT_EQ(copy.origin(), "mem");
}

TEST_F(SafeTensorsTest, ReadsFileFromIndependentWriter) {
  // Unordered keys, no padding, tensors stored in a different order than the header lists them,
  // metadata last with a non-string value ignored.
  std::vector<uint8_t> data;
  auto put = [&](const auto& v) {
    auto b = raw(v);
    data.insert(data.end(), b.begin(), b.end());
  };
  put(std::vector<int32_t>{-7, 1 << 20});         // b: [0, 8)
  put(std::vector<float>{0.5f, -4.0f, 1024.0f});  // a: [8, 20)
  put(std::vector<uint8_t>{9, 8, 7});             // c: [20, 23)
  put(std::vector<double>{2.5});                  // d: [23, 31)
  const std::string json = R"({"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},)"
                           R"( "a" : {"shape":[3,1],"dtype":"F32","data_offsets":[8,20]},)"
                           R"("c":{"dtype":"U8","shape":[1,3],"data_offsets":[20,23]},)"
                           R"("d":{"dtype":"F64","shape":[],"data_offsets":[23,31]},)"
                           R"("__metadata__":{"format":"pt","n":3}})";
  const std::string file = path("independent.safetensors");
  auto b = hand_file(json, data);
  ss::write_file_atomic(file, b.data(), b.size());

  auto st = ss::SafeTensors::load(file);
  EXPECT_EQ(st.names(), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(st.metadata(), (std::map<std::string, std::string>{{"format", "pt"}}));
  EXPECT_EQ(st.get("a").dtype, ss::DType::F32);
  EXPECT_EQ(st.get("a").shape, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(st.floats("a", {3, 1}), (std::vector<float>{0.5f, -4.0f, 1024.0f}));
  EXPECT_EQ(st.floats("b", {2}), (std::vector<float>{-7.0f, 1048576.0f}));
  EXPECT_EQ(st.floats("c", {1, 3}), (std::vector<float>{9, 8, 7}));
  EXPECT_EQ(st.floats("d", {}), (std::vector<float>{2.5f}));
  const auto& c = st.get("c");
  EXPECT_EQ(std::vector<uint8_t>(c.bytes.begin(), c.bytes.end()), (std::vector<uint8_t>{9, 8, 7}));
}

TEST_F(SafeTensorsTest, TruncatedFileNamesTensor) {
  std::vector<float> v(16, 1.0f);
  ss::SafeTensorsWriter w;
  w.add_f32("encoder.weight", {4, 4}, v);
  auto b = w.serialize();
  b.resize(b.size() - 3);
  const std::string file = path("trunc.safetensors");
  ss::write_file_atomic(file, b.data(), b.size());
  auto m = error_of([&] { ss::SafeTensors::load(file); });
  EXPECT_NE(m.find(file), std::string::npos) << m;
  EXPECT_NE(m.find("encoder.weight"), std::string::npos) << m;
  EXPECT_NE(m.find("truncated"), std::string::npos) << m;
  EXPECT_NE(m.find("64"), std::string::npos) << m;  // where the data should end
}

TEST_F(SafeTensorsTest, TooShortForHeader) {
  auto m = error_of([] { ss::SafeTensors::parse({1, 2, 3}, "short.st"); });
  EXPECT_NE(m.find("short.st"), std::string::npos) << m;
  EXPECT_NE(m.find("header"), std::string::npos) << m;
  m = error_of([] { ss::SafeTensors::parse({}, "empty.st"); });
  EXPECT_NE(m.find("empty.st"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, HeaderLengthBeyondFile) {
  auto b = hand_file("{}", {});
  b[0] = 200;  // claims a 200-byte header in a 10-byte file
  auto m = error_of([&] { ss::SafeTensors::parse(b, "long.st"); });
  EXPECT_NE(m.find("long.st"), std::string::npos) << m;
  EXPECT_NE(m.find("header length 200"), std::string::npos) << m;
  b[7] = 0xff;  // near 2^64: must not wrap around
  m = error_of([&] { ss::SafeTensors::parse(b, "huge.st"); });
  EXPECT_NE(m.find("huge.st"), std::string::npos) << m;
  EXPECT_NE(m.find("header length"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, BadJson) {
  auto m = error_of([] { ss::SafeTensors::parse(hand_file("{\"a\": {", {}), "bad.st"); });
  EXPECT_NE(m.find("bad.st"), std::string::npos) << m;
  EXPECT_NE(m.find("JSON"), std::string::npos) << m;
  m = error_of([] { ss::SafeTensors::parse(hand_file("[1, 2]", {}), "arr.st"); });
  EXPECT_NE(m.find("arr.st"), std::string::npos) << m;
  EXPECT_NE(m.find("JSON object"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, WrongDTypeNameNamesTensor) {
  auto m = error_of([] {
    ss::SafeTensors::parse(
        hand_file(R"({"blocks.0.attn":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})",
                  {0, 0, 0, 0}),
        "dt.st");
  });
  EXPECT_NE(m.find("dt.st"), std::string::npos) << m;
  EXPECT_NE(m.find("blocks.0.attn"), std::string::npos) << m;
  EXPECT_NE(m.find("BF16"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, MalformedEntriesNameTensor) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"t1":{"shape":[1],"data_offsets":[0,4]}})", "t1"},                 // no dtype
      {R"({"t2":{"dtype":"F32","data_offsets":[0,4]}})", "t2"},               // no shape
      {R"({"t3":{"dtype":"F32","shape":[1]}})", "t3"},                        // no offsets
      {R"({"t4":{"dtype":"F32","shape":"x","data_offsets":[0,4]}})", "t4"},   // bad shape
      {R"({"t5":{"dtype":"F32","shape":[1],"data_offsets":[4]}})", "t5"},     // one offset
      {R"({"t6":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", "t6"},   // reversed
      {R"({"t7":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "t7"},  // negative dim
      {R"({"t8":5})", "t8"},                                                  // not an object
      {R"({"t9":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", "t9"},       // dtype type
  };
  for (const auto& c : cases) {
    const std::string& json = c.first;
    const std::string& name = c.second;
    auto m = error_of([&] { ss::SafeTensors::parse(hand_file(json, {0, 0, 0, 0}), "m.st"); });
    EXPECT_NE(m.find("m.st"), std::string::npos) << json << " -> " << m;
    EXPECT_NE(m.find(name), std::string::npos) << json << " -> " << m;
  }
}

TEST_F(SafeTensorsTest, OffsetsNotMatchingShape) {
  auto m = error_of([] {
    ss::SafeTensors::parse(hand_file(R"({"proj":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                                     std::vector<uint8_t>(12)),
                           "off.st");
  });
  EXPECT_NE(m.find("off.st"), std::string::npos) << m;
  EXPECT_NE(m.find("proj"), std::string::npos) << m;
  EXPECT_NE(m.find("needs 12 bytes"), std::string::npos) << m;
  EXPECT_NE(m.find("offsets give 8"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, OverflowingShapeIsRejected) {
  // 2^62 + 1 rows of 4 F32: the element count wraps around 2^64 to a small number.
  auto m = error_of([] {
    ss::SafeTensors::parse(
        hand_file(
            R"({"big":{"dtype":"F32","shape":[4611686018427387905,4],"data_offsets":[0,16]}})",
            std::vector<uint8_t>(16)),
        "big.st");
  });
  EXPECT_NE(m.find("big.st"), std::string::npos) << m;
  EXPECT_NE(m.find("big"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, OverlappingTensorsAreRejected) {
  auto m = error_of([] {
    ss::SafeTensors::parse(hand_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                     std::vector<uint8_t>(12)),
                           "ovl.st");
  });
  EXPECT_NE(m.find("ovl.st"), std::string::npos) << m;
  EXPECT_NE(m.find("overlap"), std::string::npos) << m;
  EXPECT_TRUE(m.find(": a:") != std::string::npos || m.find(": b:") != std::string::npos) << m;
  // Zero-sized tensors may share an offset with anything.
  auto st =
      ss::SafeTensors::parse(hand_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                       R"("e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
                                       std::vector<uint8_t>(8)),
                             "ok.st");
  EXPECT_EQ(st.get("e").numel(), 0);
}

TEST_F(SafeTensorsTest, FloatsWithWrongShapeNamesTensor) {
  std::vector<float> v(6, 0.0f);
  ss::SafeTensorsWriter w;
  w.add_f32("head.bias", {2, 3}, v);
  auto st = ss::SafeTensors::parse(w.serialize(), "shape.st");
  auto m = error_of([&] { st.floats("head.bias", {3, 2}); });
  EXPECT_NE(m.find("shape.st"), std::string::npos) << m;
  EXPECT_NE(m.find("head.bias"), std::string::npos) << m;
  EXPECT_NE(m.find("expected shape [3, 2]"), std::string::npos) << m;
  EXPECT_NE(m.find("[2, 3]"), std::string::npos) << m;
  m = error_of([&] { st.floats("head.bias", {6}); });
  EXPECT_NE(m.find("head.bias"), std::string::npos) << m;
}

TEST_F(SafeTensorsTest, MissingTensorAndMissingFile) {
  auto st = ss::SafeTensors::parse(ss::SafeTensorsWriter().serialize(), "none.st");
  auto m = error_of([&] { st.get("missing.weight"); });
  EXPECT_NE(m.find("none.st"), std::string::npos) << m;
  EXPECT_NE(m.find("missing.weight"), std::string::npos) << m;
  m = error_of([&] { st.floats("missing.weight", {1}); });
  EXPECT_NE(m.find("missing.weight"), std::string::npos) << m;
  const std::string file = path("does-not-exist.safetensors");
  m = error_of([&] { ss::SafeTensors::load(file); });
  EXPECT_NE(m.find(file), std::string::npos) << m;
}

}  // namespace

namespace {

// A shape [10.5, 64] was read as [10, 64] and offsets [0.9, 4.2] as [0, 4]: only integers.
TEST_F(SafeTensorsTest, NonIntegerShapesAndOffsetsAreErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"w":{"dtype":"U8","shape":[1.5, 4],"data_offsets":[0,4]}})",
       "m.st: w: shape [1.5,4]: expected non-negative integers"},
      {R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4.0]}})",
       "m.st: w: data_offsets [0,4.0]: expected two non-negative integers"},
      {R"({"w":{"dtype":"U8","shape":[true],"data_offsets":[0,1]}})",
       "m.st: w: shape [true]: expected non-negative integers"},
      {R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[-1,3]}})",
       "m.st: w: data_offsets [-1,3]: expected two non-negative integers"},
  };
  for (const auto& [json, want] : cases)
    EXPECT_EQ(error_of([&] {
                ss::SafeTensors::parse(hand_file(json, {0, 0, 0, 0}), "m.st");
              }),
              want)
        << json;
}

// Header bytes that are not printable ASCII are not echoed to the terminal raw.
TEST_F(SafeTensorsTest, BadJsonMessageIsPrintable) {
  auto m = error_of([] { ss::SafeTensors::parse(hand_file("{\"a\": \xff\x1b[31m}", {}), "b.st"); });
  EXPECT_EQ(m.rfind("b.st: header: not valid JSON", 0), 0u) << m;
  for (unsigned char c : m) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c) << " in " << m;
}

}  // namespace
