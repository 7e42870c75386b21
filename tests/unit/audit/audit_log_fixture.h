#ifndef SAMENLOOP_TESTS_UNIT_AUDIT_AUDIT_LOG_FIXTURE_H_
#define SAMENLOOP_TESTS_UNIT_AUDIT_AUDIT_LOG_FIXTURE_H_

// The audit log on its own, without the broker: a store in a temporary
// directory and an AuditLogWriter that appends events in synced writes, the
// way the broker's Transaction does.

#include <memory>
#include <vector>

#include "audit/log_writer.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

namespace samenloop::broker::testing {

class AuditLogFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  // Closes and opens the store again: the log's state is rebuilt from
  // what is stored, as at a broker's start.
  void Reopen() {
    store_.reset();
    store_ = *Store::Open(dir_.Sub("db"));
    absl::StatusOr<AuditLogState> state = AuditLogState::Load(*store_, size_);
    ASSERT_TRUE(state.ok()) << state.status();
    state_ = *std::move(state);
  }

  // Appends `events` in one synced write; returns the log's size after it.
  uint64_t Append(std::vector<v1::AuditEvent> events) {
    rocksdb::WriteBatch batch;
    AuditLogWriter writer(*store_, state_);
    for (v1::AuditEvent& event : events) writer.Append(batch, std::move(event));
    EXPECT_TRUE(writer.Finish(batch).ok());
    EXPECT_TRUE(store_->Commit(&batch).ok());
    state_ = writer.state();
    size_ = state_.size;
    return size_;
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  AuditLogState state_;
  uint64_t size_ = 0;  // the committed size, kept across Reopen (the broker keeps it in its meta family)
};

}  // namespace samenloop::broker::testing

#endif  // SAMENLOOP_TESTS_UNIT_AUDIT_AUDIT_LOG_FIXTURE_H_
