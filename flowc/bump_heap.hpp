#pragma once

namespace flow::flowc {

// For a command that runs once and exits (`flowc build`): from this call on, operator new
// hands out memory in order from one large region of address space advised for
// transparent huge pages, and operator delete of that memory does nothing; the operating
// system takes it all back at exit. A build allocates about 16,000 blocks and frees most
// of them only at exit, so glibc's malloc and free were about 6 % of its instructions, and
// its heap got huge pages only some of the time (600-700 page faults against about 90).
// Without the call (the language server, which runs for hours), operator new is malloc.
// Single-threaded, like flowc. A no-op under AddressSanitizer, which must see every block.
void use_bump_allocation_until_exit();

}  // namespace flow::flowc
