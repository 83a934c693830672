#include "bytecode/module_io.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <string_view>

namespace flow::bytecode {

namespace {

constexpr std::string_view kMagic = "FLOWBC\r\n";
constexpr size_t kHeaderSize = 24;

constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;

// FNV-1a 64 of `data`, continuing from `hash` (the hash of the bytes before it): the
// checksum of format 1, and module_hash.
uint64_t fnv1a(const uint8_t* data, size_t size, uint64_t hash = kFnvOffsetBasis) {
  // Each byte waits for the previous one's multiply, so unrolling does not make the loop
  // faster, but it halves its instructions (the counter and branch per byte).
#pragma GCC unroll 8
  for (size_t i = 0; i < size; ++i) {
    hash ^= data[i];
    hash *= kFnvPrime;
  }
  return hash;
}

// The checksum of format 2: FNV-1a's step on 8-byte little-endian words instead of bytes,
// with a xorshift after each multiply (which only carries bits upwards), then the last 0-7
// bytes one at a time. A multiply chain per byte was a tenth of `flowc build`; per word it is
// an eighth of that. Each step is a bijection of the hash, so one corrupt word always
// changes it.
uint64_t mix(uint64_t hash, uint64_t value) {
  hash = (hash ^ value) * kFnvPrime;
  return hash ^ (hash >> 29);
}
uint64_t word_checksum(const uint8_t* data, size_t size, uint64_t hash = kFnvOffsetBasis) {
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    hash = mix(hash, word);
  }
  for (; i < size; ++i) hash = mix(hash, data[i]);
  return hash;
}

// ---- Writing -------------------------------------------------------------------------

// Writes into a buffer that is sized ahead (see size_bound()) through a raw pointer: a
// module is mostly small LEB128 integers, and a push_back per byte (capacity check, size
// update) cost more than the encoding itself. Growing is out of line, so that uint() and
// the other writes stay small enough to be inlined where they are called. The buffer is
// not zeroed first: the bound is about twice what a module takes, and zeroing touched
// (page-faulted) all of it.
class Writer {
 public:
  explicit Writer(size_t capacity)
      : bytes_(std::make_unique_for_overwrite<uint8_t[]>(capacity)), capacity_(capacity), next_(bytes_.get()) {}

  void uint(uint64_t value) {
    uint8_t* p = room(kLongestUint);
    while (value >= 0x80) {
      *p++ = static_cast<uint8_t>(value) | 0x80;
      value >>= 7;
    }
    *p++ = static_cast<uint8_t>(value);
    next_ = p;
  }
  void fixed(uint64_t value, size_t size) {
    uint8_t* p = room(size);
    for (size_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
    next_ += size;
  }
  void number(double value) { fixed(std::bit_cast<uint64_t>(value), 8); }
  void raw(const void* data, size_t size) {
    if (size == 0) return;
    std::memcpy(room(size), data, size);
    next_ += size;
  }
  void string(const std::string& text) {
    uint(text.size());
    raw(text.data(), text.size());
  }
  void loc(const SourceLoc& loc) {
    uint(loc.file);
    uint(loc.line);
    uint(loc.column);
  }
  template <typename T, typename Fn>
  void list(const std::vector<T>& items, Fn write_one) {
    uint(items.size());
    for (const T& item : items) {
      write_one(item);
      if (size() - checksummed_ >= kChecksumStep) checksum_written();
    }
  }

  // The checksum covers what is written after this call.
  void start_checksum() {
    checksum_ = kFnvOffsetBasis;
    checksummed_ = size();
  }
  uint64_t checksum() {
    checksum_ = word_checksum(bytes_.get() + checksummed_, size() - checksummed_, checksum_);
    checksummed_ = size();
    return checksum_;
  }

  size_t size() const { return static_cast<size_t>(next_ - bytes_.get()); }
  uint8_t* data() { return bytes_.get(); }

 private:
  static constexpr size_t kLongestUint = 10;  // a 64-bit LEB128 takes at most 10 bytes

  // Where the next `count` bytes go.
  uint8_t* room(size_t count) {
    if (static_cast<size_t>(bytes_.get() + capacity_ - next_) < count) [[unlikely]] grow(count);
    return next_;
  }
  [[gnu::noinline]] void grow(size_t count) {
    const size_t used = size();
    capacity_ = std::max(2 * capacity_, used + count);
    auto bigger = std::make_unique_for_overwrite<uint8_t[]>(capacity_);
    if (used > 0) std::memcpy(bigger.get(), bytes_.get(), used);
    bytes_ = std::move(bigger);
    next_ = bytes_.get() + used;
  }

  // The checksum is a chain of multiplies, each waiting for the one before. Hashed a few
  // dozen bytes (whole words) at a time while the module is written, rather than all at the
  // end, the chain runs beside the writing instead of after it; checksum() adds the rest.
  static constexpr size_t kChecksumStep = 64;
  void checksum_written() {
    const size_t words = (size() - checksummed_) & ~size_t{7};
    checksum_ = word_checksum(bytes_.get() + checksummed_, words, checksum_);
    checksummed_ += words;
  }

  std::unique_ptr<uint8_t[]> bytes_;
  size_t capacity_;
  uint8_t* next_;  // the first byte not written yet
  uint64_t checksum_ = kFnvOffsetBasis;
  size_t checksummed_ = 0;  // the bytes from start_checksum() to this offset are in checksum_
};

void write_body(Writer& w, const Module& m) {
  w.string(m.name);
  w.list(m.files, [&](const std::string& f) { w.string(f); });
  w.list(m.constants, [&](const Constant& c) {
    w.uint(static_cast<uint8_t>(c.kind));
    if (c.kind == Constant::Kind::String) {
      w.string(c.string);
    } else {
      w.number(c.number);
    }
  });
  w.list(m.functions, [&](const std::string& f) { w.string(f); });
  w.list(m.templates, [&](const Template& t) {
    w.string(t.name);
    w.uint(static_cast<uint8_t>(t.type));
    for (uint32_t part : {t.subject, t.from, t.reply_to, t.html, t.text}) w.uint(part);
    w.loc(t.loc);
  });
  w.list(m.workflows, [&](const Workflow& wf) {
    w.string(wf.name);
    w.string(wf.trigger);
    w.string(wf.display_name);
    w.string(wf.description);
    w.uint(static_cast<uint8_t>(wf.reentry));
    w.uint(wf.enabled ? 1 : 0);
    w.uint(wf.entry);
    w.uint(wf.local_count);
    w.list(wf.local_names, [&](const std::string& n) { w.string(n); });
    w.loc(wf.loc);
  });
  w.list(m.steps, [&](const Step& s) {
    w.uint(s.workflow);
    w.uint(static_cast<uint8_t>(s.kind));
    w.string(s.label);
    w.loc(s.loc);
    w.uint(s.offset);
  });
  w.list(m.edges, [&](const Edge& e) {
    w.uint(e.from);
    w.uint(e.to);
    w.string(e.label);
  });
  w.uint(m.code.size());
  w.raw(m.code.data(), m.code.size());
  w.list(m.source_map, [&](const std::pair<uint32_t, SourceLoc>& entry) {
    w.uint(entry.first);
    w.loc(entry.second);
  });
}

// ---- Reading -------------------------------------------------------------------------

// Thrown by Reader on the first inconsistency and caught in deserialize(): the reader never
// reads past its buffer and never trusts a count it has not checked.
struct Corrupt {
  std::string message;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool at_end() const { return pos_ == size_; }

  uint64_t uint() {
    uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (shift > 63) throw Corrupt{"an integer is too long"};
      const uint8_t byte = next();
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
  }
  uint32_t u32() { return narrow(uint(), UINT32_MAX, "an integer"); }
  template <typename Enum>
  Enum enumeration(uint32_t count, const char* what) {
    return static_cast<Enum>(narrow(uint(), count - 1, what));
  }
  double number() {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(next()) << (8 * i);
    return std::bit_cast<double>(bits);
  }
  std::string string() {
    const size_t length = count(1);
    std::string text(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length;
    return text;
  }
  SourceLoc loc() { return SourceLoc{u32(), u32(), u32()}; }
  // A count of items each at least `min_item_bytes` long: a count the rest of the file
  // cannot hold is corruption, caught before anything is allocated for it.
  size_t count(size_t min_item_bytes) {
    const uint64_t n = uint();
    if (n > (size_ - pos_) / min_item_bytes) throw Corrupt{"a length runs past the end of the file"};
    return static_cast<size_t>(n);
  }
  template <typename T, typename Fn>
  std::vector<T> list(Fn read_one) {
    std::vector<T> items(count(1));
    for (T& item : items) item = read_one();
    return items;
  }
  std::vector<uint8_t> bytes() {
    const size_t length = count(1);
    std::vector<uint8_t> out(data_ + pos_, data_ + pos_ + length);
    pos_ += length;
    return out;
  }

 private:
  uint8_t next() {
    if (pos_ >= size_) throw Corrupt{"the file is truncated"};
    return data_[pos_++];
  }
  static uint32_t narrow(uint64_t value, uint64_t max, const char* what) {
    if (value > max) throw Corrupt{std::string(what) + " is out of range"};
    return static_cast<uint32_t>(value);
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

Module read_body(Reader& r) {
  Module m;
  m.name = r.string();
  m.files = r.list<std::string>([&] { return r.string(); });
  m.constants = r.list<Constant>([&] {
    Constant c;
    c.kind = r.enumeration<Constant::Kind>(3, "a constant kind");
    if (c.kind == Constant::Kind::String) {
      c.string = r.string();
    } else {
      c.number = r.number();
    }
    return c;
  });
  m.functions = r.list<std::string>([&] { return r.string(); });
  m.templates = r.list<Template>([&] {
    Template t;
    t.name = r.string();
    t.type = r.enumeration<TemplateType>(3, "a template type");
    for (uint32_t* part : {&t.subject, &t.from, &t.reply_to, &t.html, &t.text}) *part = r.u32();
    t.loc = r.loc();
    return t;
  });
  m.workflows = r.list<Workflow>([&] {
    Workflow wf;
    wf.name = r.string();
    wf.trigger = r.string();
    wf.display_name = r.string();
    wf.description = r.string();
    wf.reentry = r.enumeration<Reentry>(2, "a reentry setting");
    wf.enabled = r.enumeration<uint8_t>(2, "a boolean") == 1;
    wf.entry = r.u32();
    wf.local_count = r.enumeration<uint8_t>(256, "a local count");
    wf.local_names = r.list<std::string>([&] { return r.string(); });
    wf.loc = r.loc();
    return wf;
  });
  m.steps = r.list<Step>([&] {
    Step s;
    s.workflow = r.u32();
    s.kind = r.enumeration<StepKind>(8, "a step kind");
    s.label = r.string();
    s.loc = r.loc();
    s.offset = r.u32();
    return s;
  });
  m.edges = r.list<Edge>([&] {
    Edge e;
    e.from = r.u32();
    e.to = r.u32();
    e.label = r.string();
    return e;
  });
  m.code = r.bytes();
  m.source_map = r.list<std::pair<uint32_t, SourceLoc>>([&] {
    const uint32_t offset = r.u32();
    return std::pair{offset, r.loc()};
  });
  if (!r.at_end()) throw Corrupt{"unexpected bytes after the module"};
  return m;
}

uint64_t read_fixed(const std::vector<uint8_t>& bytes, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value |= static_cast<uint64_t>(bytes[at + i]) << (8 * i);
  return value;
}

}  // namespace

// About the most a module can take: each integer at its longest for a 32-bit value (5
// bytes of LEB128), each string with its length. Sizing the buffer once avoids growing it
// (zeroing the new one, copying the old) several times; the source map and step labels of
// a large module take four times its code.
size_t size_bound(const Module& m) {
  constexpr size_t kInt = 5;
  const auto strings = [](const std::vector<std::string>& list) {
    size_t bytes = kInt;
    for (const std::string& s : list) bytes += kInt + s.size();
    return bytes;
  };
  size_t bytes = kHeaderSize + 2 * kInt + m.name.size() + strings(m.files) + strings(m.functions);
  bytes += kInt + m.constants.size() * (kInt + 8);
  for (const Constant& c : m.constants) bytes += c.string.size();
  bytes += kInt + m.templates.size() * 13 * kInt;
  for (const Template& t : m.templates) bytes += t.name.size();
  bytes += kInt;
  for (const Workflow& w : m.workflows) {
    bytes += 11 * kInt + w.name.size() + w.trigger.size() + w.display_name.size() + w.description.size() +
             strings(w.local_names);
  }
  bytes += kInt + m.steps.size() * 7 * kInt;
  for (const Step& s : m.steps) bytes += s.label.size();
  bytes += kInt + m.edges.size() * 3 * kInt;
  for (const Edge& e : m.edges) bytes += e.label.size();
  bytes += kInt + m.code.size() + kInt + m.source_map.size() * 4 * kInt;
  return bytes;
}

void serialize_into(const Module& module, const std::function<void(std::span<const uint8_t>)>& consume) {
  // The body is written after room for the header, which is filled in once the body's
  // size and checksum are known.
  Writer w(size_bound(module));
  w.raw(kMagic.data(), kMagic.size());
  w.fixed(kFormatVersion, 2);
  w.fixed(0, 2);  // flags
  w.fixed(0, 4);  // body size, below
  w.fixed(0, 8);  // checksum, below
  w.start_checksum();
  write_body(w, module);
  const size_t body_size = w.size() - kHeaderSize;
  const uint64_t checksum = w.checksum();
  for (size_t i = 0; i < 4; ++i) w.data()[12 + i] = static_cast<uint8_t>(body_size >> (8 * i));
  for (size_t i = 0; i < 8; ++i) w.data()[16 + i] = static_cast<uint8_t>(checksum >> (8 * i));
  consume(std::span<const uint8_t>(w.data(), w.size()));
}

std::vector<uint8_t> serialize(const Module& module) {
  std::vector<uint8_t> bytes;
  serialize_into(module, [&](std::span<const uint8_t> written) { bytes.assign(written.begin(), written.end()); });
  return bytes;
}

std::variant<Module, LoadError> deserialize(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < kHeaderSize) return LoadError{"the file is too short to be a Flow module"};
  if (std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    return LoadError{"not a Flow module (bad magic bytes)"};
  }
  const uint64_t version = read_fixed(bytes, 8, 2);
  if (version < kOldestFormatVersion || version > kFormatVersion) {
    return LoadError{"unsupported module format version " + std::to_string(version) + " (this build reads " +
                     std::to_string(kOldestFormatVersion) + " to " + std::to_string(kFormatVersion) +
                     "); rebuild it with this flowc"};
  }
  if (read_fixed(bytes, 10, 2) != 0) return LoadError{"unknown module flags"};
  const uint64_t length = read_fixed(bytes, 12, 4);
  if (length != bytes.size() - kHeaderSize) return LoadError{"the file is truncated or has extra bytes"};
  const uint8_t* body = bytes.data() + kHeaderSize;
  // Format 1 differs only in its checksum: modules flowd stored before still load.
  const uint64_t checksum = version == 1 ? fnv1a(body, length) : word_checksum(body, length);
  if (checksum != read_fixed(bytes, 16, 8)) return LoadError{"checksum mismatch: the file is corrupt"};
  try {
    Reader reader(body, length);
    Module module = read_body(reader);
    if (const auto problems = verify(module); !problems.empty()) return LoadError{"invalid module: " + problems.front()};
    return module;
  } catch (const Corrupt& corrupt) {
    return LoadError{"corrupt module: " + corrupt.message};
  }
}

uint64_t module_hash(const std::vector<uint8_t>& bytes) { return fnv1a(bytes.data(), bytes.size()); }

}  // namespace flow::bytecode
