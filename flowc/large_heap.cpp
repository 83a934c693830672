#include "flowc/large_heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace flow::flowc {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHeapStep = size_t{64} << 20;  // address space only: untouched pages cost nothing

}  // namespace

void use_large_pages_for_the_heap() {
  // Large blocks from the heap too, so that the big AST vectors land in the advised range;
  // and never give the top back, which would drop the advice with the pages.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kHeapStep));
  mallopt(M_TOP_PAD, static_cast<int>(kHeapStep));
  // One allocation makes malloc extend the heap by kHeapStep now, before the compiler runs.
  void* probe = std::malloc(kHugePage);
  if (probe == nullptr) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(probe) + kHugePage - 1) & ~(kHugePage - 1);
  const auto top = reinterpret_cast<uintptr_t>(sbrk(0));
  std::free(probe);
  if (top <= begin) return;
  madvise(reinterpret_cast<void*>(begin), top - begin, MADV_HUGEPAGE);  // a hint: failure is harmless
}

}  // namespace flow::flowc
