#pragma once

namespace flow::flowc {

// flowc is a short-lived process that allocates about 1 KB per source line and frees
// little before it exits. With 4 KB pages it takes a page fault per 4 KB it touches, and
// those faults cost a quarter of compiling a large file. This grows the heap in large steps
// and asks for transparent huge pages on it; a no-op where the kernel does not offer them.
void use_large_pages_for_the_heap();

}  // namespace flow::flowc
