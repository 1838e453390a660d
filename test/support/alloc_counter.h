//===- alloc_counter.h - Count every heap allocation of a test binary ------===//
//
// Include in exactly one source file of a test executable: it replaces
// malloc, calloc, realloc, the aligned allocators and every operator new
// with versions that count calls while `allocationsOf` measures, then
// forward to glibc. Defined in the executable, they also catch calls made by
// generated code, the runtime and the shared C++ library.
//
#ifndef KILN_TEST_ALLOC_COUNTER_H
#define KILN_TEST_ALLOC_COUNTER_H

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
}

namespace {
bool counting = false;
long allocations = 0;
inline void count() {
  if (counting)
    ++allocations;
}
} // namespace

extern "C" {
void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void *realloc(void *pointer, size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
void *aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void *memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  count();
  *out = __libc_memalign(alignment, size);
  return *out ? 0 : ENOMEM;
}
void *valloc(size_t size) {
  count();
  return __libc_memalign(4096, size);
}
}

namespace {
void *newBlock(size_t size, size_t alignment = 0) {
  count();
  if (!size)
    size = 1;
  return alignment ? __libc_memalign(alignment, size) : __libc_malloc(size);
}
} // namespace

void *operator new(size_t size) {
  if (void *p = newBlock(size))
    return p;
  throw std::bad_alloc();
}
void *operator new[](size_t size) { return operator new(size); }
void *operator new(size_t size, const std::nothrow_t &) noexcept {
  return newBlock(size);
}
void *operator new[](size_t size, const std::nothrow_t &) noexcept {
  return newBlock(size);
}
void *operator new(size_t size, std::align_val_t align) {
  if (void *p = newBlock(size, size_t(align)))
    return p;
  throw std::bad_alloc();
}
void *operator new[](size_t size, std::align_val_t align) {
  return operator new(size, align);
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void *p, size_t, std::align_val_t) noexcept {
  std::free(p);
}

namespace {
template <typename Action> long allocationsOf(Action action) {
  allocations = 0;
  counting = true;
  action();
  counting = false;
  return allocations;
}
} // namespace

#endif // KILN_TEST_ALLOC_COUNTER_H
