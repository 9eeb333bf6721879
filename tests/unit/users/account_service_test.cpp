// AccountService: registration rules, the role table, scopes and the last admin, password changes.
#include <set>

#include "service_fixture.h"

namespace jogtrack::users {
namespace {

using AccountServiceTest = UsersServiceTest;

std::set<std::string> fields_of(const std::function<void()>& f) {
  std::set<std::string> fields;
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    for (const auto& fe : e.errors()) fields.insert(fe.field);
  }
  return fields;
}

TEST_F(AccountServiceTest, RegistrationReportsEveryInvalidField) {
  const Registration bad{"a", "short", std::string("not-an-address"), std::string(201, 'n')};
  EXPECT_EQ(fields_of([&] { accounts_->register_user(bad); }),
            (std::set<std::string>{"username", "password", "email", "name"}));
  const Registration same{"samesame", "samesame", std::nullopt, std::nullopt};
  EXPECT_EQ(fields_of([&] { accounts_->register_user(same); }), std::set<std::string>{"password"});
  EXPECT_EQ(fields_of([&] { accounts_->register_user({"okname", kPassword, {}, {}}, {"superuser"}); }),
            std::set<std::string>{"role"});
}

TEST_F(AccountServiceTest, UsernamesAreUniqueCaseInsensitively) {
  const auto alice = add("Alice");
  EXPECT_EQ(alice.role, "user");
  EXPECT_EQ(kind_of([&] { add("aLICE"); }), ErrorKind::UsernameTaken);
  // a deleted account's name is free again
  accounts_->remove(alice, alice.user_id);
  EXPECT_NO_THROW(add("alice"));
}

TEST_F(AccountServiceTest, RoleTableForReading) {
  const auto user = add("plain");
  const auto other = add("other");
  const auto manager = add("boss", {"user", "manager"});
  const auto admin = add("root", {"user", "admin"});
  EXPECT_EQ(accounts_->get(user, user.user_id).username, "plain");
  EXPECT_EQ(kind_of([&] { accounts_->get(user, other.user_id); }), ErrorKind::Forbidden);
  EXPECT_EQ(accounts_->get(manager, user.user_id).user_id, user.user_id);
  EXPECT_EQ(kind_of([&] { accounts_->get(manager, admin.user_id); }), ErrorKind::Forbidden);
  EXPECT_EQ(accounts_->get(admin, manager.user_id).role, "manager");
  EXPECT_EQ(kind_of([&] { accounts_->get(admin, 987654); }), ErrorKind::NotFound);
}

TEST_F(AccountServiceTest, ListsAreForManagersAndAdmins) {
  const auto user = add("plain");
  const auto manager = add("boss", {"user", "manager"});
  const auto admin = add("root", {"user", "admin"});
  storage::ListRequest query;
  query.count = 100;
  query.sort = filter::parse_sort("", user_schema(), kDefaultUserSort);
  EXPECT_EQ(kind_of([&] { accounts_->list(user, query); }), ErrorKind::Forbidden);
  const auto managed = accounts_->list(manager, query);
  EXPECT_EQ(managed.total, 1);  // plain users only
  EXPECT_EQ(accounts_->list(admin, query).total, 3);
}

TEST_F(AccountServiceTest, ScopesAreForAdminsAndTheLastAdminStays) {
  const auto user = add("plain");
  const auto admin = add("root", {"user", "admin"});
  EXPECT_EQ(kind_of([&] { accounts_->set_scopes(user, user.user_id, {"user", "admin"}); }), ErrorKind::Forbidden);
  EXPECT_EQ(kind_of([&] { accounts_->set_scopes(admin, user.user_id, {"wizard"}); }), ErrorKind::Validation);
  EXPECT_EQ(kind_of([&] { accounts_->set_scopes(admin, admin.user_id, {"user"}); }), ErrorKind::LastAdmin);
  accounts_->set_scopes(admin, user.user_id, {"user", "manager"});
  EXPECT_EQ(accounts_->get(admin, user.user_id).role, "manager");
  EXPECT_EQ(kind_of([&] { accounts_->set_scopes(admin, 987654, {"user"}); }), ErrorKind::NotFound);
}

TEST_F(AccountServiceTest, OwnPasswordChangeNeedsTheCurrentOne) {
  const auto user = add("plain");
  AccountChanges change;
  change.password = "another good passphrase";
  EXPECT_EQ(fields_of([&] { accounts_->update(user, user.user_id, change, "10.0.0.1"); }),
            std::set<std::string>{"current_password"});
  change.current_password = "not the password";
  EXPECT_EQ(kind_of([&] { accounts_->update(user, user.user_id, change, "10.0.0.1"); }), ErrorKind::Forbidden);
  change.current_password = kPassword;
  EXPECT_NO_THROW(accounts_->update(user, user.user_id, change, "10.0.0.1"));
  EXPECT_EQ(kind_of([&] { sessions_->login("plain", kPassword, "10.0.0.1"); }), ErrorKind::InvalidCredentials);
  EXPECT_FALSE(sessions_->login("plain", "another good passphrase", "10.0.0.1").access_token.empty());
}

TEST_F(AccountServiceTest, AnAdminResetsAnotherPasswordWithoutKnowingIt) {
  const auto user = add("plain");
  const auto admin = add("root", {"user", "admin"});
  AccountChanges change;
  change.password = "reset by the admin 1";
  EXPECT_NO_THROW(accounts_->update(admin, user.user_id, change, "10.0.0.1"));
  change.current_password = "anything";
  change.password.reset();
  EXPECT_EQ(fields_of([&] { accounts_->update(admin, user.user_id, change, "10.0.0.1"); }),
            std::set<std::string>{"current_password"});
}

TEST_F(AccountServiceTest, DeletedAccountsAreGone) {
  const auto user = add("plain");
  const auto admin = add("root", {"user", "admin"});
  accounts_->remove(admin, user.user_id);
  EXPECT_EQ(kind_of([&] { accounts_->get(admin, user.user_id); }), ErrorKind::NotFound);
  EXPECT_EQ(kind_of([&] { accounts_->remove(admin, user.user_id); }), ErrorKind::NotFound);
}

TEST_F(AccountServiceTest, SetRoleByUsername) {
  add("plain");
  accounts_->set_role_by_username("PLAIN", "admin");
  const auto again = sessions_->authenticate("Bearer " + sessions_->login("plain", kPassword, "x").access_token);
  EXPECT_TRUE(again.is_admin());
  EXPECT_EQ(kind_of([&] { accounts_->set_role_by_username("nobody", "user"); }), ErrorKind::NotFound);
}

}  // namespace
}  // namespace jogtrack::users
