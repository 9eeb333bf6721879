// Users table: accounts, scopes and soft deletion.
#include "storage/user_store.h"

#include <sstream>

#include "common/dates.h"
#include "storage/list_queries.h"
#include "storage/list_statement.h"
#include "storage/user_queries.h"
#include "storage/row_version.h"

namespace jogtrack::storage {

namespace {

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> split_scopes(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string s; in >> s;) out.push_back(s);
  return out;
}

// The columns of one user row (queries::kUserColumns, in order).
struct UserRow {
  long long user_id = 0, version = 1;
  std::string username, scopes, role, password_hash, created_at;
  std::optional<std::string> email, name, updated_at;

  void bind(Binder& b) {
    b.into(user_id);
    b.into(username);
    b.into(email);
    b.into(name);
    b.into(scopes);
    b.into(role);
    b.into(password_hash);
    b.into(created_at);
    b.into(updated_at);
    b.into(version);
  }

  UserRecord record() const {
    UserRecord r;
    r.user_id = user_id;
    r.username = username;
    r.email = email;
    r.name = name;
    r.scopes = split_scopes(scopes);
    r.role = role;
    r.password_hash = password_hash;
    r.created_at = created_at;
    r.updated_at = updated_at;
    r.version = version;
    return r;
  }
};

// A user row looked up by one key (queries::kFindLiveUserBy*: bound as :k).
template <class Key>
struct UserByKey {
  Key key{};
  UserRow row;
  void bind(Binder& b) {
    row.bind(b);
    b.use(key, "k");
  }
};

// The one live user whose key is `key` (`text`: a kFindLiveUserBy* query), on a cached statement.
template <class Key>
std::optional<UserRecord> find_live(Database& db, Connection& sql, const char* text, const Key& key) {
  auto& q = db.prepared<UserByKey<Key>>(sql, text);
  q.vars.key = key;
  q.st.execute(true);
  std::optional<UserRecord> found;
  if (q.st.got_data()) found = q.vars.row.record();
  finish_cached(q.st, db.dialect());
  return found;
}

// Accounts with one role (a manager's view), or all (bound: false).
struct RoleScope {
  std::string role;
  bool bound = false;
  void bind(Binder& b) {
    if (bound) b.use(role, "only_role");
  }
};

long long count_live_admins(Connection& sql) {
  long long admins = 0;
  exec(sql, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deleted_at IS NULL", into(admins));
  return admins;
}

void refuse_if_last_admin(Connection& sql, long long user_id) {
  // PostgreSQL's READ COMMITTED would let two concurrent demotions each see
  // the other admin: serialise the check (SQLite's BEGIN IMMEDIATE already does).
  if (sql.dialect() == Dialect::Postgres) exec(sql, "SELECT pg_advisory_xact_lock(7414)");
  std::optional<std::string> role;
  exec(sql, "SELECT role FROM users WHERE user_id = :id AND deleted_at IS NULL", use(user_id, "id"), into(role));
  if (role == "admin" && count_live_admins(sql) <= 1)
    throw ApiError(ErrorKind::LastAdmin);
}

}  // namespace

SociUserStore::SociUserStore(Database& db) : db_(db) {}

UserRecord SociUserStore::create(const NewUser& user) {
  return db_.run("create user", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    std::string scopes = join_scopes(user.scopes);
    std::string now = now_timestamp();
    long long taken = 0;
    exec(sql, "SELECT COUNT(*) FROM users WHERE username_key = :k AND deleted_at IS NULL",
         use(user.username_key, "k"), into(taken));
    if (taken > 0) throw ApiError(ErrorKind::UsernameTaken);
    long long id = 0;
    try {
      exec(sql,
           "INSERT INTO users (username, username_key, email, name, scopes, role, password_hash, created_at) "
           "VALUES (:u, :k, :e, :n, :s, :r, :h, :c) RETURNING user_id",
           use(user.username, "u"), use(user.username_key, "k"), use(user.email, "e"), use(user.name, "n"),
           use(scopes, "s"), use(user.role, "r"), use(user.password_hash, "h"), use(now, "c"), into(id));
    } catch (const UniqueViolation&) {
      throw ApiError(ErrorKind::UsernameTaken);
    }
    tx.commit();
    UserRecord r;
    r.user_id = id;
    r.username = user.username;
    r.email = user.email;
    r.name = user.name;
    r.scopes = user.scopes;
    r.role = user.role;
    r.password_hash = user.password_hash;
    r.created_at = now;
    return r;
  });
}

std::optional<UserRecord> SociUserStore::find(std::int64_t user_id) {
  return db_.run("find user", Retry::Safe, [&](Connection& sql) {
    return find_live(db_, sql, queries::kFindLiveUserById, static_cast<long long>(user_id));
  });
}

std::optional<UserRecord> SociUserStore::find_by_username_key(const std::string& key) {
  return db_.run("find user by name", Retry::Safe, [&](Connection& sql) {
    return find_live(db_, sql, queries::kFindLiveUserByKey, key);
  });
}

bool SociUserStore::update(std::int64_t user_id, const UserChanges& changes, std::int64_t modified_by,
                           const VersionCheck& check) {
  return db_.run("update user", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    long long id = user_id, by = modified_by;
    require_version(sql, "users", "user_id", id, check);
    std::string now = now_timestamp();
    std::string sets = "updated_at = :now, modified_by = :by, version = version + 1";
    bool changed = false;
    {
      Statement st(sql);  // done before COMMIT
      Binder b = st.binder();
      b.use(now, "now");
      b.use(by, "by");
      if (changes.email) {
        sets += ", email = :email";
        b.use(*changes.email, "email");
      }
      if (changes.name) {
        sets += ", name = :name";
        b.use(*changes.name, "name");
      }
      if (changes.password_hash) {
        sets += ", password_hash = :hash";
        b.use(*changes.password_hash, "hash");
      }
      b.use(id, "id");
      st.prepare("UPDATE users SET " + sets + " WHERE user_id = :id AND deleted_at IS NULL", true);
      st.execute(true);
      changed = st.get_affected_rows() > 0;
    }
    tx.commit();
    return changed;
  });
}

bool SociUserStore::set_scopes(std::int64_t user_id, const std::vector<std::string>& scopes,
                               const std::string& role, std::int64_t modified_by) {
  return db_.run("set scopes", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    long long id = user_id, by = modified_by;
    if (role != "admin") refuse_if_last_admin(sql, id);
    std::string joined = join_scopes(scopes), now = now_timestamp();
    const bool changed = exec_count(sql,
                                    "UPDATE users SET scopes = :s, role = :r, updated_at = :now, "
                                    "modified_by = :by, version = version + 1 "
                                    "WHERE user_id = :id AND deleted_at IS NULL",
                                    use(joined, "s"), use(role, "r"), use(now, "now"), use(by, "by"),
                                    use(id, "id")) > 0;
    tx.commit();
    return changed;
  });
}

bool SociUserStore::remove(std::int64_t user_id, std::int64_t modified_by, const VersionCheck& check) {
  return db_.run("delete user", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    long long id = user_id, by = modified_by;
    require_version(sql, "users", "user_id", id, check);
    refuse_if_last_admin(sql, id);
    std::string now = now_timestamp();
    const bool changed = exec_count(sql,
                                    "UPDATE users SET deleted_at = :now, modified_by = :by, version = version + 1 "
                                    "WHERE user_id = :id AND deleted_at IS NULL",
                                    use(now, "now"), use(by, "by"), use(id, "id")) > 0;
    int revoked = static_cast<int>(TokenState::Revoked);
    if (changed)
      exec(sql, "UPDATE refresh_tokens SET state = :s WHERE user_id = :id", use(revoked, "s"), use(id, "id"));
    tx.commit();
    return changed;
  });
}

Page<UserRecord> SociUserStore::list(const ListRequest& request, const std::optional<std::string>& only_role) {
  return db_.run("list users", Retry::Safe, [&](Connection& sql) {
    const RoleScope scope{only_role.value_or(""), only_role.has_value()};
    const bool by_role = only_role.has_value();
    const ListShape shape(request);
    Page<UserRecord> page;
    run_filtered<CountRow>(
        db_, sql, by_role ? "users count by role" : "users count", false, false, shape, scope,
        [&] { return queries::user_count(request, by_role); }, [&](const CountRow& row) { page.total = row.total; });
    if (page.total <= request.offset()) return page;
    run_filtered<UserRow>(
        db_, sql, by_role ? "users page by role" : "users page", true, true, shape, scope,
        [&] { return queries::user_page(request, by_role); },
        [&](const UserRow& row) { page.items.push_back(row.record()); });
    return page;
  });
}

}  // namespace jogtrack::storage
