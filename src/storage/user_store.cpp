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

// The columns of one user row, bound as SOCI into-targets.
struct UserRow {
  long long user_id = 0, version = 1;
  std::string username, email, name, scopes, role, password_hash, created_at, updated_at;
  soci::indicator email_ind = soci::i_null, name_ind = soci::i_null, updated_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(username));
    st.exchange(soci::into(email, email_ind));
    st.exchange(soci::into(name, name_ind));
    st.exchange(soci::into(scopes));
    st.exchange(soci::into(role));
    st.exchange(soci::into(password_hash));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at, updated_ind));
    st.exchange(soci::into(version));
  }

  UserRecord record() const {
    UserRecord r;
    r.user_id = user_id;
    r.username = username;
    if (email_ind == soci::i_ok) r.email = email;
    if (name_ind == soci::i_ok) r.name = name;
    r.scopes = split_scopes(scopes);
    r.role = role;
    r.password_hash = password_hash;
    r.created_at = created_at;
    if (updated_ind == soci::i_ok) r.updated_at = updated_at;
    r.version = version;
    return r;
  }
};

// A user row looked up by one key (queries::kFindLiveUserBy*: bound as :k).
template <class Key>
struct UserByKey {
  Key key{};
  UserRow row;
  void bind(soci::statement& st) {
    row.bind(st);
    st.exchange(soci::use(key, "k"));
  }
};

// The one live user whose key is `key` (`text`: a kFindLiveUserBy* query), on a cached statement.
template <class Key>
std::optional<UserRecord> find_live(Database& db, soci::session& sql, const char* text, const Key& key) {
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
  void bind(soci::statement& st) {
    if (bound) st.exchange(soci::use(role, "only_role"));
  }
};

long long count_live_admins(soci::session& sql) {
  long long admins = 0;
  sql << "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deleted_at IS NULL", soci::into(admins);
  return admins;
}

void refuse_if_last_admin(soci::session& sql, Dialect dialect, long long user_id) {
  // PostgreSQL's READ COMMITTED would let two concurrent demotions each see
  // the other admin: serialise the check (SQLite's BEGIN IMMEDIATE already does).
  if (dialect == Dialect::Postgres) sql << "SELECT pg_advisory_xact_lock(7414)";
  std::string role;
  soci::indicator ind = soci::i_null;
  sql << "SELECT role FROM users WHERE user_id = :id AND deleted_at IS NULL", soci::use(user_id, "id"),
      soci::into(role, ind);
  if (ind == soci::i_ok && role == "admin" && count_live_admins(sql) <= 1)
    throw ApiError(ErrorKind::LastAdmin);
}

}  // namespace

SociUserStore::SociUserStore(Database& db) : db_(db) {}

UserRecord SociUserStore::create(const NewUser& user) {
  return db_.run("create user", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);
    std::string scopes = join_scopes(user.scopes);
    std::string now = now_timestamp();
    std::string email = user.email.value_or(""), name = user.name.value_or("");
    soci::indicator email_ind = user.email ? soci::i_ok : soci::i_null;
    soci::indicator name_ind = user.name ? soci::i_ok : soci::i_null;
    long long taken = 0;
    sql << "SELECT COUNT(*) FROM users WHERE username_key = :k AND deleted_at IS NULL",
        soci::use(user.username_key, "k"), soci::into(taken);
    if (taken > 0) throw ApiError(ErrorKind::UsernameTaken);
    long long id = 0;
    try {
      sql << "INSERT INTO users (username, username_key, email, name, scopes, role, password_hash, created_at) "
             "VALUES (:u, :k, :e, :n, :s, :r, :h, :c) RETURNING user_id",
          soci::use(user.username, "u"), soci::use(user.username_key, "k"), soci::use(email, email_ind, "e"),
          soci::use(name, name_ind, "n"), soci::use(scopes, "s"), soci::use(user.role, "r"),
          soci::use(user.password_hash, "h"), soci::use(now, "c"), soci::into(id);
    } catch (const soci::soci_error& e) {
      if (is_unique_violation(e)) throw ApiError(ErrorKind::UsernameTaken);
      throw;
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
  return db_.run("find user", Retry::Safe, [&](soci::session& sql) {
    return find_live(db_, sql, queries::kFindLiveUserById, static_cast<long long>(user_id));
  });
}

std::optional<UserRecord> SociUserStore::find_by_username_key(const std::string& key) {
  return db_.run("find user by name", Retry::Safe, [&](soci::session& sql) {
    return find_live(db_, sql, queries::kFindLiveUserByKey, key);
  });
}

bool SociUserStore::update(std::int64_t user_id, const UserChanges& changes, std::int64_t modified_by,
                           const VersionCheck& check) {
  return db_.run("update user", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);
    long long id = user_id, by = modified_by;
    require_version(sql, db_.dialect(), "users", "user_id", id, check);
    std::string now = now_timestamp();
    std::string sets = "updated_at = :now, modified_by = :by, version = version + 1";
    std::string email = changes.email && *changes.email ? **changes.email : "";
    std::string name = changes.name && *changes.name ? **changes.name : "";
    soci::indicator email_ind = changes.email && *changes.email ? soci::i_ok : soci::i_null;
    soci::indicator name_ind = changes.name && *changes.name ? soci::i_ok : soci::i_null;
    std::string hash = changes.password_hash.value_or("");
    soci::statement st(sql);
    st.exchange(soci::use(now, "now"));
    st.exchange(soci::use(by, "by"));
    if (changes.email) {
      sets += ", email = :email";
      st.exchange(soci::use(email, email_ind, "email"));
    }
    if (changes.name) {
      sets += ", name = :name";
      st.exchange(soci::use(name, name_ind, "name"));
    }
    if (changes.password_hash) {
      sets += ", password_hash = :hash";
      st.exchange(soci::use(hash, "hash"));
    }
    st.exchange(soci::use(id, "id"));
    st.alloc();
    st.prepare("UPDATE users SET " + sets + " WHERE user_id = :id AND deleted_at IS NULL");
    st.define_and_bind();
    st.execute(true);
    const bool changed = st.get_affected_rows() > 0;
    st.clean_up();
    tx.commit();
    return changed;
  });
}

bool SociUserStore::set_scopes(std::int64_t user_id, const std::vector<std::string>& scopes,
                               const std::string& role, std::int64_t modified_by) {
  return db_.run("set scopes", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);
    long long id = user_id, by = modified_by;
    if (role != "admin") refuse_if_last_admin(sql, db_.dialect(), id);
    std::string joined = join_scopes(scopes), now = now_timestamp();
    soci::statement st = (sql.prepare << "UPDATE users SET scopes = :s, role = :r, updated_at = :now, "
                                         "modified_by = :by, version = version + 1 "
                                         "WHERE user_id = :id AND deleted_at IS NULL",
                          soci::use(joined, "s"), soci::use(role, "r"), soci::use(now, "now"), soci::use(by, "by"),
                          soci::use(id, "id"));
    st.execute(true);
    const bool changed = st.get_affected_rows() > 0;
    st.clean_up();
    tx.commit();
    return changed;
  });
}

bool SociUserStore::remove(std::int64_t user_id, std::int64_t modified_by, const VersionCheck& check) {
  return db_.run("delete user", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);
    long long id = user_id, by = modified_by;
    require_version(sql, db_.dialect(), "users", "user_id", id, check);
    refuse_if_last_admin(sql, db_.dialect(), id);
    std::string now = now_timestamp();
    soci::statement st = (sql.prepare << "UPDATE users SET deleted_at = :now, modified_by = :by, version = version + 1 "
                                         "WHERE user_id = :id AND deleted_at IS NULL",
                          soci::use(now, "now"), soci::use(by, "by"), soci::use(id, "id"));
    st.execute(true);
    const bool changed = st.get_affected_rows() > 0;
    st.clean_up();
    int revoked = static_cast<int>(TokenState::Revoked);
    if (changed)
      sql << "UPDATE refresh_tokens SET state = :s WHERE user_id = :id", soci::use(revoked, "s"), soci::use(id, "id");
    tx.commit();
    return changed;
  });
}

Page<UserRecord> SociUserStore::list(const ListRequest& request, const std::optional<std::string>& only_role) {
  return db_.run("list users", Retry::Safe, [&](soci::session& sql) {
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
