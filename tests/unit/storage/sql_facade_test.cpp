// The SQL facade (storage/sql.h) on both dialects: NULL as an empty optional
// both ways, a unique violation as its own fact without the bound values, rows
// fetched one by one, statements prepared once per connection and reused, and
// the write transaction's rollback.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "storage/database.h"
#include "test_env.h"

namespace jogtrack::storage {
namespace {

constexpr const char* kFindItem = "SELECT name, score, n FROM items WHERE id = :id";

// The columns of kFindItem, all nullable.
struct FindItemVars {
  long long id = 0;
  std::optional<std::string> name;
  std::optional<double> score;
  std::optional<long long> n;
  void bind(Binder& b) {
    b.into(name);
    b.into(score);
    b.into(n);
    b.use(id, "id");
  }
};

class SqlFacade : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_.open(GetParam(), "facade", 2);
    db_ = backend_.db.get();
    db_->run("create", Retry::Safe, [](Connection& c) {
      exec(c,
           "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, score DOUBLE PRECISION, n BIGINT, "
           "note TEXT)");
    });
  }

  void insert(long long id, const std::optional<std::string>& name, const std::optional<double>& score,
              const std::optional<int>& n) {
    db_->run("insert", Retry::Safe, [&](Connection& c) {
      exec(c, "INSERT INTO items (id, name, score, n) VALUES (:id, :name, :score, :n)", use(id, "id"),
           use(name, "name"), use(score, "score"), use(n, "n"));
    });
  }

  test_env::ScratchBackend backend_;
  Database* db_ = nullptr;
};

TEST_P(SqlFacade, NullIsAnEmptyOptionalBothWays) {
  insert(1, "a", 1.5, 7);
  insert(2, std::nullopt, std::nullopt, std::nullopt);
  db_->run("read", Retry::Safe, [&](Connection& c) {
    // One prepared statement, re-run: a NULL after a value empties the optional, a value after a NULL fills it.
    for (const long long id : {1LL, 2LL, 1LL}) {
      auto& q = db_->prepared<FindItemVars>(c, kFindItem);
      q.vars.id = id;
      ASSERT_TRUE(q.st.execute(true));
      if (id == 1) {
        EXPECT_EQ(q.vars.name, "a");
        EXPECT_EQ(q.vars.score, 1.5);
        EXPECT_EQ(q.vars.n, 7);
      } else {
        EXPECT_FALSE(q.vars.name);
        EXPECT_FALSE(q.vars.score);
        EXPECT_FALSE(q.vars.n);
      }
      finish_cached(q.st, c.dialect());
    }
  });
}

TEST_P(SqlFacade, NullIntoAPlainVariableIsADatabaseError) {
  insert(1, std::nullopt, std::nullopt, std::nullopt);
  db_->run("read", Retry::Safe, [&](Connection& c) {
    std::string name;
    EXPECT_THROW(exec(c, "SELECT name FROM items WHERE id = 1", into(name)), DatabaseError);
  });
}

TEST_P(SqlFacade, NoRowLeavesTheVariablesAlone) {
  db_->run("read", Retry::Safe, [&](Connection& c) {
    long long n = 42;
    std::optional<std::string> name = "kept";
    EXPECT_FALSE(exec(c, "SELECT n, name FROM items WHERE id = 9", into(n), into(name)));
    EXPECT_EQ(n, 42);
    EXPECT_EQ(name, "kept");
  });
}

TEST_P(SqlFacade, UniqueViolationIsItsOwnFactWithoutTheValues) {
  insert(1, "taken", std::nullopt, std::nullopt);
  db_->run("insert twice", Retry::Safe, [&](Connection& c) {
    const std::string secret = "s3cret-hash-value", name = "taken";
    long long id = 2;
    try {
      exec(c, "INSERT INTO items (id, name, note) VALUES (:id, :name, :note)", use(id, "id"), use(name, "name"),
           use(secret, "note"));
      FAIL() << "no unique violation";
    } catch (const UniqueViolation& e) {
      EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    }
  });
  // Any other failure is a plain DatabaseError, not a unique violation.
  db_->run("bad", Retry::Safe, [&](Connection& c) {
    try {
      exec(c, "SELECT nothing FROM no_such_table");
      FAIL() << "no error";
    } catch (const UniqueViolation&) {
      FAIL() << "not a unique violation";
    } catch (const DatabaseError&) {
    }
  });
}

TEST_P(SqlFacade, PreparedStatementsAreReusedPerConnectionAndDroppedAfterAFailure) {
  insert(1, "a", 1.0, 1);
  db_->run("reuse", Retry::Safe, [&](Connection& c) {
    auto* first = &db_->prepared<FindItemVars>(c, kFindItem);
    EXPECT_EQ(&db_->prepared<FindItemVars>(c, kFindItem), first);
    EXPECT_EQ(c.statements().find_keyed<Prepared<FindItemVars>>("k"), nullptr);
    auto& keyed = db_->cached_keyed<Prepared<FindItemVars>>(c, "k", kFindItem);
    EXPECT_EQ(db_->find_keyed<Prepared<FindItemVars>>(c, "k"), &keyed);
  });
  // A failure drops the connection's statements (Database::run); they are prepared again and work.
  for (int i = 0; i < 2; ++i)  // two pooled connections: fail on whichever is lent
    EXPECT_THROW(db_->run("fail", Retry::Safe, [](Connection& c) { exec(c, "SELECT * FROM no_such_table"); }),
                 ApiError);
  db_->run("again", Retry::Safe, [&](Connection& c) {
    EXPECT_EQ(db_->find_keyed<Prepared<FindItemVars>>(c, "k"), nullptr);
    auto& q = db_->prepared<FindItemVars>(c, kFindItem);
    q.vars.id = 1;
    EXPECT_TRUE(q.st.execute(true));
    EXPECT_EQ(q.vars.name, "a");
    finish_cached(q.st, c.dialect());
  });
}

TEST_P(SqlFacade, RowsAreFetchedOneByOneAndWritesCountTheirRows) {
  for (long long id = 1; id <= 3; ++id) insert(id, "n" + std::to_string(id), std::nullopt, 1);
  db_->run("rows", Retry::Safe, [&](Connection& c) {
    Statement st(c);
    long long id = 0;
    Binder b = st.binder();
    b.into(id);
    st.prepare("SELECT id FROM items ORDER BY id");
    std::vector<long long> ids;
    if (st.execute(true)) {
      do ids.push_back(id);
      while (st.fetch());
    }
    EXPECT_EQ(ids, (std::vector<long long>{1, 2, 3}));
    EXPECT_EQ(exec_count(c, "UPDATE items SET n = 2 WHERE id >= 2"), 2);
    EXPECT_EQ(exec_count(c, "UPDATE items SET n = 2 WHERE id > 9"), 0);
  });
}

TEST_P(SqlFacade, AnUncommittedWriteTransactionRollsBack) {
  db_->run("tx", Retry::BeforeSend, [&](Connection& c) {
    WriteTransaction tx(*db_, c);
    exec(c, "INSERT INTO items (id, name) VALUES (1, 'gone')");
  });
  db_->run("tx", Retry::BeforeSend, [&](Connection& c) {
    WriteTransaction tx(*db_, c);
    exec(c, "INSERT INTO items (id, name) VALUES (2, 'kept')");
    tx.commit();
  });
  long long rows = 0;
  db_->run("count", Retry::Safe, [&](Connection& c) { exec(c, "SELECT COUNT(*) FROM items", into(rows)); });
  EXPECT_EQ(rows, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlFacade, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace jogtrack::storage
