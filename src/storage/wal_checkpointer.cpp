#include "storage/wal_checkpointer.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <stdexcept>

namespace jogtrack::storage {

namespace {

// How long a TRUNCATE checkpoint may wait for readers (writers are already
// held back); it is tried again on the next round if readers were busy.
constexpr int kTruncateBusyMs = 200;

}  // namespace

WalCheckpointer::WalCheckpointer(const std::string& path, std::mutex& writers) : writers_(writers) {
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
    spdlog::warn("database: WAL checkpoint failed: {}", sqlite3_errmsg(db_));
    return;
  }
  if (frames >= kTruncateFrames) truncate();
}

void WalCheckpointer::truncate() {
  // TRUNCATE blocks writers for its whole duration: let them finish first and
  // queue behind us rather than sleep in SQLite's busy handler.
  std::lock_guard writers(writers_);
  sqlite3_busy_timeout(db_, kTruncateBusyMs);
  int frames = 0, copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
  sqlite3_busy_timeout(db_, 0);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) spdlog::warn("database: WAL truncation failed: {}", sqlite3_errmsg(db_));
}

}  // namespace jogtrack::storage
