// Memory trim: give back to the kernel the memory only rule compilation needed.
//
// Contract: release_compiler_memory() returns the heap glibc kept after compilation
// (malloc_trim) and drops this process's pages of the LLVM library's read-only mappings that
// are unmodified copies of the file (code, constants; never relocated data): they are read
// back from the file if LLVM runs again, on a reload. The event path runs only the generated
// code and saker's helpers, never LLVM, so after a compile those pages are dead weight in the
// agent's RSS (~60 MB measured). Returns the bytes of mappings released; never fails.
#pragma once

#include <cstddef>

namespace saker::agent {

size_t release_compiler_memory();

} // namespace saker::agent
