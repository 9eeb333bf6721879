// SOCI implementation of UserStore (storage-internal).
#pragma once
#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class SociUserStore : public UserStore {
 public:
  explicit SociUserStore(Database& db);
  UserRecord create(const NewUser& user) override;
  std::optional<UserRecord> find(std::int64_t user_id) override;
  std::optional<UserRecord> find_by_username_key(const std::string& key) override;
  bool update(std::int64_t user_id, const UserChanges& changes, std::int64_t modified_by,
              const VersionCheck& check) override;
  bool set_scopes(std::int64_t user_id, const std::vector<std::string>& scopes, const std::string& role,
                  std::int64_t modified_by) override;
  bool remove(std::int64_t user_id, std::int64_t modified_by, const VersionCheck& check) override;
  Page<UserRecord> list(const ListRequest& request, const std::optional<std::string>& only_role) override;

 private:
  Database& db_;
};

}  // namespace jogtrack::storage
