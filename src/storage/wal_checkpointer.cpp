#include "storage/wal_checkpointer.h"

#include <spdlog/logger.h>
#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace jogtrack::storage {

namespace {

// A RESTART checkpoint waits for the readers still using the WAL while every
// writer waits for it. Readers finish within milliseconds, so poll at a fine
// grain (SQLite's own busy handler sleeps 10-25 ms at a time) and give up
// soon — the next round tries again — unless the WAL has grown so large that
// bounding it matters more than a writer's latency.
constexpr auto kRestartPoll = std::chrono::microseconds(50);
constexpr auto kRestartWait = std::chrono::milliseconds(10);
constexpr auto kRestartWaitWhenHuge = std::chrono::milliseconds(200);

int on_busy(void* limit, int attempts) {
  if (attempts * kRestartPoll >= *static_cast<const std::chrono::microseconds*>(limit)) return 0;
  std::this_thread::sleep_for(kRestartPoll);
  return 1;
}

}  // namespace

WalCheckpointer::WalCheckpointer(const std::string& path, std::mutex& writers, Logger log)
    : writers_(writers), log_(std::move(log)) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string reason = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the database for checkpoints: " + reason);
  }
  // A connection checkpoints only once its pager has opened the WAL, which
  // happens on its first read: without this every checkpoint is a no-op.
  if (sqlite3_exec(db_, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string reason = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    throw std::runtime_error("cannot read the database for checkpoints: " + reason);
  }
  thread_ = std::thread([this] { loop(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(db_);
}

void WalCheckpointer::note_wal_size(int frames) {
  if (frames >= kWakeFrames && !pending_.exchange(true)) {
    std::lock_guard lock(mutex_);
    wake_.notify_one();
  }
}

void WalCheckpointer::loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, kInterval, [this] { return stop_ || pending_.load(); });
    if (stop_) break;
    pending_ = false;
    lock.unlock();
    checkpoint_once();
    lock.lock();
  }
}

void WalCheckpointer::checkpoint_once() {
  int frames = 0, copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    if (log_) log_->warn("database: WAL checkpoint failed: {}", sqlite3_errmsg(db_));
    return;
  }
  // After a RESTART the WAL keeps its size until the next commit: no second one.
  if (frames >= kRestartFrames && frames != restarted_at_) restart(frames >= 4 * kRestartFrames);
}

void WalCheckpointer::restart(bool huge) {
  // RESTART blocks writers for its whole duration: let them finish first and
  // queue behind us rather than poll SQLite's lock. Afterwards the next commit
  // writes the WAL from its start again (journal_size_limit trims the file).
  std::lock_guard writers(writers_);
  std::chrono::microseconds limit = huge ? kRestartWaitWhenHuge : kRestartWait;
  sqlite3_busy_handler(db_, on_busy, &limit);
  int frames = 0, copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_RESTART, &frames, &copied);
  sqlite3_busy_handler(db_, nullptr, nullptr);
  if (rc == SQLITE_OK) restarted_at_ = frames;
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && log_) log_->warn("database: WAL restart failed: {}", sqlite3_errmsg(db_));
}

}  // namespace jogtrack::storage
