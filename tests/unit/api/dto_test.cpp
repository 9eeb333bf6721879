// The wire shapes of api/dto: what is written (and never written), and what the parsers refuse.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/dto/runs.h"
#include "api/dto/tokens.h"
#include "api/dto/users.h"
#include "common/errors.h"

namespace jogtrack::api::dto {
namespace {

storage::UserRecord alice() {
  storage::UserRecord u;
  u.user_id = 7;
  u.username = "alice";
  u.scopes = {"user", "manager"};
  u.role = "manager";
  u.created_at = "2024-01-02T03:04:05Z";
  u.password_hash = "$argon2id$secret";
  return u;
}

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no ApiError";
  return ErrorKind::Internal;
}

TEST(UserDto, WritesNullsAndNeverTheHash) {
  const std::string json = user_json(alice());
  EXPECT_EQ(json,
            R"({"user_id":7,"username":"alice","email":null,"name":null,"scopes":["user","manager"],)"
            R"("role":"manager","created_at":"2024-01-02T03:04:05Z","updated_at":null})");
  EXPECT_EQ(json.find("argon2"), std::string::npos);
  EXPECT_EQ(me_json(alice()), R"({"me":)" + json + "}");
  EXPECT_EQ(users_json({}), "[]");
  EXPECT_EQ(users_json({alice(), alice()}), "[" + json + "," + json + "]");
}

TEST(UserDto, ParsesRegistrationAndChanges) {
  const auto r = parse_registration(R"({"username":"bob","password":"pw pw pw pw","email":null,"name":"Bob"})");
  EXPECT_EQ(r.username, "bob");
  EXPECT_FALSE(r.email);
  EXPECT_EQ(r.name, "Bob");
  EXPECT_EQ(kind_of([] { parse_registration(R"({"username":"bob","password":"x","role":"admin"})"); }),
            ErrorKind::Validation);  // a field the route does not know
  EXPECT_EQ(kind_of([] { parse_registration(R"({"password":"x"})"); }), ErrorKind::Validation);

  const auto c = parse_account_changes(R"({"email":null,"name":"New"})");
  ASSERT_TRUE(c.email);
  EXPECT_FALSE(*c.email);  // present and null: clear it
  EXPECT_EQ(c.name, std::optional<std::string>("New"));
  EXPECT_FALSE(c.password);
  EXPECT_EQ(parse_scopes(R"({"scopes":["user","admin"]})"), (std::vector<std::string>{"user", "admin"}));
  EXPECT_EQ(kind_of([] { parse_scopes(R"({"scopes":"admin"})"); }), ErrorKind::Validation);
}

TEST(TokenDto, CookieSessionsKeepTheRefreshTokenOutOfTheBody) {
  const users::TokenPair pair{"acc", "ref", 900};
  EXPECT_EQ(token_pair_json(pair, true),
            R"({"access_token":"acc","refresh_token":"ref","token_type":"Bearer","expires_in":900})");
  EXPECT_EQ(token_pair_json(pair, false), R"({"access_token":"acc","token_type":"Bearer","expires_in":900})");
}

TEST(TokenDto, ParsesLoginAndRefresh) {
  const auto login = parse_login(R"({"username":"a","password":"b","session":"cookie"})");
  EXPECT_EQ(login.username, "a");
  EXPECT_TRUE(login.cookie_session);
  EXPECT_FALSE(parse_login(R"({"username":"a","password":"b"})").cookie_session);
  EXPECT_EQ(kind_of([] { parse_login(R"({"username":"a","password":"b","session":"jar"})"); }),
            ErrorKind::Validation);
  EXPECT_EQ(parse_refresh_token(R"({"refresh_token":"t"})", true), std::optional<std::string>("t"));
  EXPECT_FALSE(parse_refresh_token("{}", false));
  EXPECT_EQ(kind_of([] { parse_refresh_token("{}", true); }), ErrorKind::Validation);
}

TEST(RunDto, EmbedsTheStoredCondition) {
  storage::RunRecord run;
  run.result_id = 3;
  run.user_id = 7;
  run.date = *parse_date("2015-06-01");
  run.distance = 5000;
  run.time = 1500;
  run.location = "1.5 2.5";
  run.speed = 5000.0 / 1500.0;
  // As the column holds it: written as it is, never decoded.
  run.condition = weather::StoredCondition::from_json(R"({"summary":"Clear sky"})");
  run.created_at = run.updated_at = "2024-01-02T03:04:05Z";
  const std::string json = run_json(run);
  EXPECT_NE(json.find(R"("condition":{"summary":"Clear sky"},"created_at")"), std::string::npos) << json;
  EXPECT_EQ(json.rfind(R"({"result_id":3,"user_id":7,"date":"2015-06-01","distance":5000,"time":1500,)", 0), 0u);
  EXPECT_EQ(runs_json({run}), "[" + json + "]");
  // A new run's condition: the text condition_to_json writes (and the column then holds).
  weather::Condition looked_up;
  looked_up.summary = "Clear sky";
  looked_up.weather_code = 0;
  looked_up.temperature_max = 17.5;
  run.condition = looked_up;
  EXPECT_NE(run_json(run).find(R"("condition":)" + weather::condition_to_json(looked_up) + R"(,"created_at")"),
            std::string::npos);
}

}  // namespace
}  // namespace jogtrack::api::dto

namespace jogtrack::api::dto {
namespace {

// JsonWriter's whole-copy paths give exactly what RapidJSON's own escaping
// gives, for text that needs no escaping and for text that does.
TEST(JsonWriterFastPaths, SameBytesAsRapidJson) {
  const std::vector<std::string> samples = {
      "", "2026-11-30", "2026-11-30T08:47:18Z", "48.8566 2.3522", "quote \" inside", "back\\slash",
      "tab\there", std::string("nul\0byte", 8), "\x01\x1f", "caf\xc3\xa9", "line\nbreak", "</script>"};
  for (const auto& text : samples) {
    const std::string fast = write_json([&](JsonWriter& w) {
      w.StartObject();
      w.PlainKey(text);
      w.PlainString(text);
      w.PlainKey("k");
      w.RawJson(R"({"a":[1,2]})", rapidjson::kObjectType);
      w.EndObject();
    });
    const std::string reference = write_json([&](JsonWriter& w) {
      w.StartObject();
      w.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      w.Key("k");
      w.RawValue(R"({"a":[1,2]})", 11, rapidjson::kObjectType);
      w.EndObject();
    });
    EXPECT_EQ(fast, reference) << text;
  }
}

}  // namespace
}  // namespace jogtrack::api::dto
