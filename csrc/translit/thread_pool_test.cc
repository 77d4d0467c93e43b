#include "translit/thread_pool.h"

#include <atomic>
#include <stdexcept>
#include <vector>

#include "translit/testing.h"

TEST(thread_pool_visits_every_index_once) {
  for (int workers : {1, 2, 4}) {
    std::vector<std::atomic<int>> seen(10000);
    translit::ThreadPool::shared().run(seen.size(), workers, [&](size_t i) { ++seen[i]; });
    bool once = true;
    for (auto& s : seen) once = once && s.load() == 1;
    CHECK(once);
  }
}

TEST(thread_pool_rethrows_on_the_caller_and_stays_usable) {
  CHECK_THROWS(translit::ThreadPool::shared().run(5000, 2,
                                                  [](size_t i) {
                                                    if (i == 4321) throw std::runtime_error("boom");
                                                  }),
               std::runtime_error);
  std::atomic<size_t> sum{0};
  translit::ThreadPool::shared().run(1000, 2, [&](size_t i) { sum += i; });
  CHECK(sum.load() == 499500);
}

TEST(thread_pool_keeps_its_workers) {
  translit::ThreadPool::shared().run(1000, 3, [](size_t) {});
  size_t started = translit::ThreadPool::shared().started();
  for (int k = 0; k < 20; ++k) translit::ThreadPool::shared().run(1000, 3, [](size_t) {});
  CHECK(started >= 2 && translit::ThreadPool::shared().started() == started);
}

TEST(resolve_threads_caps_requests) {
  CHECK(translit::resolve_threads(1000000, 100) == 1);  // 100 items: one thread
  CHECK(translit::resolve_threads(1000000, 1 << 20) <=
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}
