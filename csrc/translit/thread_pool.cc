#include "translit/thread_pool.h"

#include <algorithm>
#include <string>
#include <system_error>

#include "translit/errors.h"

#ifndef _WIN32
#include <pthread.h>
#endif

namespace translit {
namespace {

std::atomic<ThreadPool*> g_pool{nullptr};

#ifndef _WIN32
// After fork() only the forking thread exists: the child must not wait for the parent's
// workers. The old pool is abandoned (leaked) and a fresh one is made on first use.
struct ForkGuard {
  ForkGuard() {
    pthread_atfork(nullptr, nullptr, [] { g_pool.store(nullptr); });
  }
} g_fork_guard;
#endif

}  // namespace

int resolve_threads(int requested, size_t n_items) {
  int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int n = requested <= 0 ? hw : std::min(requested, hw);
  size_t max_useful = std::max<size_t>(1, n_items / 64);
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(n), max_useful));
}

ThreadPool& ThreadPool::shared() {
  ThreadPool* pool = g_pool.load(std::memory_order_acquire);
  if (pool) return *pool;
  // Never destroyed: workers may still be blocked on the pool at interpreter exit.
  auto* fresh = new ThreadPool();
  if (g_pool.compare_exchange_strong(pool, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;
  return *pool;
}

size_t ThreadPool::started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

void ThreadPool::grow(size_t n_threads) {
  std::lock_guard<std::mutex> lock(mu_);
  while (threads_.size() < n_threads) {
    size_t index = threads_.size();
    try {
      threads_.emplace_back([this, index] { loop(index); });
    } catch (const std::system_error& exc) {
      throw ResourceError("the operating system refused to start worker thread " +
                          std::to_string(index + 2) + " of " + std::to_string(n_threads + 1) +
                          " (" + exc.what() +
                          "). Fix: pass a smaller num_threads, or raise the limits on "
                          "virtual memory / processes (ulimit -v, ulimit -u)");
    }
  }
}

void ThreadPool::loop(size_t index) {
  unsigned long long seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return generation_ != seen && index < wanted_; });
    seen = generation_;
    lock.unlock();
    work();
    lock.lock();
    if (--running_ == 0) done_.notify_all();
  }
}

void ThreadPool::work() {
  try {
    while (true) {
      size_t begin = next_.fetch_add(chunk_);
      if (begin >= n_) break;
      size_t end = std::min(n_, begin + chunk_);
      for (size_t i = begin; i < end; ++i) (*body_)(i);
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = std::current_exception();
    next_.store(n_);
  }
}

void ThreadPool::run(size_t n, int workers, const std::function<void(size_t)>& body) {
  std::unique_lock<std::mutex> job(run_mu_, std::try_to_lock);
  if (workers <= 1 || !job.owns_lock()) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  size_t helpers = static_cast<size_t>(workers) - 1;
  grow(helpers);
  {
    std::lock_guard<std::mutex> lock(mu_);
    body_ = &body;
    n_ = n;
    chunk_ = std::max<size_t>(16, n / (static_cast<size_t>(workers) * 16));
    next_.store(0);
    error_ = nullptr;
    wanted_ = helpers;
    running_ = helpers;
    ++generation_;
  }
  wake_.notify_all();
  work();
  std::exception_ptr error;
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return running_ == 0; });
    wanted_ = 0;
    body_ = nullptr;
    error = error_;
    error_ = nullptr;
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace translit
