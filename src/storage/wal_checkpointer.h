// Background WAL checkpoints for SQLite, so no request pays for one (storage-internal).
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "storage/storage.h"  // Logger

// sqlite3.h is not included here: SOCI's sqlite3 header (included by
// database.cpp) wraps it in a namespace of its own.
struct sqlite3;

namespace jogtrack::storage {

// Request connections run with wal_autocheckpoint=0 (otherwise the commit that
// crosses 1,000 WAL pages copies them into the database file and syncs it
// while its client waits). This thread instead checkpoints PASSIVE on its own
// connection — that never blocks readers or writers — every kInterval and
// whenever a commit reports kWakeFrames in the WAL (note_wal_size). A writer
// starts the WAL over only when it is fully checkpointed and no reader still
// uses it, which steady concurrent reads can prevent for good; so when the WAL
// passes kRestartFrames, the thread takes its turn among the writers and
// checkpoints RESTART (waits for those readers, briefly unless the WAL is
// past 4 x kRestartFrames), and the WAL starts over.
class WalCheckpointer {
 public:
  static constexpr std::chrono::milliseconds kInterval{1000};
  static constexpr int kWakeFrames = 1000;
  static constexpr int kRestartFrames = 16384;  // 64 MiB of 4 KiB pages

  // Throws std::runtime_error when the database cannot be opened.
  // log: where failed checkpoints are reported (nullptr: nowhere).
  WalCheckpointer(const std::string& path, std::mutex& writers, Logger log);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Called from the sqlite3_wal_hook of every request connection (installing
  // the hook also turns their auto-checkpoint off) with the WAL's size after a
  // commit: wakes the thread when it is large. Cheap, never blocks on a checkpoint.
  void note_wal_size(int frames);

 private:
  void loop();
  void checkpoint_once();
  void restart(bool huge);

  ::sqlite3* db_ = nullptr;
  std::mutex& writers_;
  Logger log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> pending_{false};
  int restarted_at_ = -1;  // WAL size at the last RESTART (checkpoint thread only)
  std::thread thread_;
};

}  // namespace jogtrack::storage
