// Parallel loops over an index range with dynamic chunking. Exceptions thrown by the body are
// rethrown on the calling thread (the first one wins).
#pragma once

#include <cstddef>
#include <functional>

namespace translit {

// Number of worker threads for a request: 0 means all hardware threads.
int resolve_threads(int requested, size_t n_items);

void parallel_for(size_t n, int num_threads, const std::function<void(size_t)>& body);

}  // namespace translit
