#include "translit/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace translit {

int resolve_threads(int requested, size_t n_items) {
  int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int n = requested <= 0 ? hw : requested;
  size_t max_useful = std::max<size_t>(1, n_items / 64);
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(n), max_useful));
}

void parallel_for(size_t n, int num_threads, const std::function<void(size_t)>& body) {
  int workers = resolve_threads(num_threads, n);
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  const size_t chunk = std::max<size_t>(16, n / (static_cast<size_t>(workers) * 16));
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      while (true) {
        size_t begin = next.fetch_add(chunk);
        if (begin >= n) break;
        size_t end = std::min(n, begin + chunk);
        for (size_t i = begin; i < end; ++i) body(i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next.store(n);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace translit
