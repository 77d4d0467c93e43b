// A process-wide pool of worker threads that persist between calls: parallel loops over an index
// range with dynamic chunking. Workers are started on first need (never more than asked for) and
// then reused; a child process after fork() starts with a fresh, empty pool. Exceptions thrown by
// the body are rethrown on the calling thread (the first one wins).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace translit {

// Number of threads for a request: 0 means all hardware threads; never more than the hardware
// threads nor than one per 64 items (threads beyond either only add start-up and contention).
int resolve_threads(int requested, size_t n_items);

class ThreadPool {
 public:
  static ThreadPool& shared();

  // body(i) for every i in [0, n) on `workers` threads, the calling thread included. Runs
  // serially when workers <= 1 or when another call holds the pool. Throws ResourceError when
  // the operating system refuses to start a worker (the pool stays usable).
  void run(size_t n, int workers, const std::function<void(size_t)>& body);
  size_t started() const;

 private:
  ThreadPool() = default;
  void grow(size_t n_threads);
  void loop(size_t index);
  void work();

  std::mutex run_mu_;  // one parallel job at a time
  mutable std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  const std::function<void(size_t)>* body_ = nullptr;
  size_t n_ = 0, chunk_ = 1, wanted_ = 0, running_ = 0;
  std::atomic<size_t> next_{0};
  unsigned long long generation_ = 0;
  std::exception_ptr error_;
};

inline void parallel_for(size_t n, int num_threads, const std::function<void(size_t)>& body) {
  ThreadPool::shared().run(n, resolve_threads(num_threads, n), body);
}

}  // namespace translit
