#include "flowc/bump_heap.hpp"

#if !defined(__SANITIZE_ADDRESS__)

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace {

// Address space only (MAP_NORESERVE): pages cost something when first touched. A program
// that outgrows it falls back to malloc.
constexpr std::size_t kRegionSize = std::size_t{1} << 30;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

char* region_begin = nullptr;
char* region_end = nullptr;
char* next = nullptr;  // null while bump allocation is off

void* allocate(std::size_t size) {
  // Every block gets its own address, a zero-sized one too.
  const std::size_t rounded = size == 0 ? kAlign : (size + kAlign - 1) & ~(kAlign - 1);
  if (next != nullptr && static_cast<std::size_t>(region_end - next) >= rounded) [[likely]] {
    void* at = next;
    next += rounded;
    return at;
  }
  if (void* block = std::malloc(rounded)) return block;
  throw std::bad_alloc();
}

bool in_region(const void* p) { return p >= region_begin && p < region_end; }

}  // namespace

namespace flow::flowc {

void use_bump_allocation_until_exit() {
  if (next != nullptr) return;
  void* mapped = mmap(nullptr, kRegionSize + kHugePage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapped == MAP_FAILED) return;
  // Starting on a huge-page boundary lets the first fault already take a huge page.
  const auto begin = (reinterpret_cast<std::uintptr_t>(mapped) + kHugePage - 1) & ~(kHugePage - 1);
  region_begin = reinterpret_cast<char*>(begin);
  region_end = region_begin + kRegionSize;
  madvise(region_begin, kRegionSize, MADV_HUGEPAGE);  // a hint: failure is harmless
  next = region_begin;
}

}  // namespace flow::flowc

// The replaceable allocation functions; operator new[] and the nothrow forms call these.
void* operator new(std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept {
  if (!in_region(p)) std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

#else

void flow::flowc::use_bump_allocation_until_exit() {}

#endif
