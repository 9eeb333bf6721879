// SessionService: login, the bearer challenge kinds (RFC 6750), refresh rotation and reuse, deleted accounts.
#include "common/dates.h"
#include "service_fixture.h"

namespace jogtrack::users {
namespace {

using SessionServiceTest = UsersServiceTest;

TEST_F(SessionServiceTest, LoginGivesTokensThatAuthenticate) {
  const auto alice = add("alice");
  const auto pair = sessions_->login("ALICE", kPassword, "10.0.0.1");
  EXPECT_EQ(pair.expires_in, 900);
  EXPECT_FALSE(pair.refresh_token.empty());
  const auto caller = sessions_->authenticate("bearer " + pair.access_token);  // scheme case-insensitive
  EXPECT_EQ(caller.user_id, alice.user_id);
  EXPECT_EQ(caller.username, "alice");
}

TEST_F(SessionServiceTest, WrongPasswordAndUnknownUserFailAlike) {
  add("alice");
  EXPECT_EQ(kind_of([&] { sessions_->login("alice", "wrong password!", "10.0.0.1"); }),
            ErrorKind::InvalidCredentials);
  EXPECT_EQ(kind_of([&] { sessions_->login("nobody", kPassword, "10.0.0.1"); }), ErrorKind::InvalidCredentials);
  EXPECT_EQ(kind_of([&] { sessions_->login(std::string(100, 'x'), kPassword, "10.0.0.1"); }),
            ErrorKind::InvalidCredentials);
}

// No bearer credentials: Unauthenticated (bare challenge); a bearer token that fails: InvalidToken.
TEST_F(SessionServiceTest, AuthenticateTellsMissingFromInvalid) {
  for (const char* header : {"", "Basic dXNlcjpwYXNz", "Token a.b.c", "Bearerx.y.z"})
    EXPECT_EQ(kind_of([&] { sessions_->authenticate(header); }), ErrorKind::Unauthenticated) << header;
  for (const char* header : {"Bearer", "Bearer ", "Bearer junk", "Bearer a.b.c"})
    EXPECT_EQ(kind_of([&] { sessions_->authenticate(header); }), ErrorKind::InvalidToken) << header;
}

TEST_F(SessionServiceTest, AnExpiredTokenIsToldApart) {
  const auto alice = add("alice");
  const auto old = tokens_.issue(alice.user_id, {"user"}, std::nullopt, std::nullopt, unix_now() - 1000);
  EXPECT_EQ(kind_of([&] { sessions_->authenticate("Bearer " + old); }), ErrorKind::TokenExpired);
  const auth::TokenService stranger(std::string(32, 'z'), 900);
  const auto forged = stranger.issue(alice.user_id, {"user"}, std::nullopt, std::nullopt, unix_now() - 1000);
  EXPECT_EQ(kind_of([&] { sessions_->authenticate("Bearer " + forged); }), ErrorKind::InvalidToken);
}

TEST_F(SessionServiceTest, RefreshRotatesAndReuseKillsTheChain) {
  add("alice");
  const auto first = sessions_->login("alice", kPassword, "10.0.0.1");
  const auto second = sessions_->refresh(first.refresh_token);
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_FALSE(second.access_token.empty());
  EXPECT_EQ(kind_of([&] { sessions_->refresh(first.refresh_token); }), ErrorKind::InvalidToken);  // reuse
  EXPECT_EQ(kind_of([&] { sessions_->refresh(second.refresh_token); }), ErrorKind::InvalidToken);  // chain gone
  EXPECT_EQ(kind_of([&] { sessions_->refresh("never issued"); }), ErrorKind::InvalidToken);
}

TEST_F(SessionServiceTest, LogoutRevokes) {
  add("alice");
  const auto pair = sessions_->login("alice", kPassword, "10.0.0.1");
  sessions_->logout(pair.refresh_token);
  EXPECT_EQ(kind_of([&] { sessions_->refresh(pair.refresh_token); }), ErrorKind::InvalidToken);
}

TEST_F(SessionServiceTest, ADeletedAccountsTokensStopAtOnce) {
  const auto alice = add("alice");
  const auto pair = sessions_->login("alice", kPassword, "10.0.0.1");
  accounts_->remove(alice, alice.user_id);
  EXPECT_EQ(kind_of([&] { sessions_->authenticate("Bearer " + pair.access_token); }), ErrorKind::InvalidToken);
  EXPECT_EQ(kind_of([&] { sessions_->refresh(pair.refresh_token); }), ErrorKind::InvalidToken);
  EXPECT_EQ(kind_of([&] { sessions_->login("alice", kPassword, "10.0.0.1"); }), ErrorKind::InvalidCredentials);
}

}  // namespace
}  // namespace jogtrack::users
