#include "api/idempotency.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <utility>

#include "auth/passwords.h"
#include "common/dates.h"
#include "http/problems.h"

namespace jogtrack::api {

namespace {

std::string validated_key(const http::Request& request) {
  const std::string& key = request.idempotency_key;
  bool visible = true;
  for (char c : key) visible = visible && c > 0x20 && c < 0x7f;
  if (key.size() > kMaxIdempotencyKeyLength || !visible)
    throw ApiError(ErrorKind::Validation, "invalid Idempotency-Key header",
                   {FieldError{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
  return key;
}

// What "the same request" means: route, query and body.
std::string fingerprint(const http::Request& request) {
  return auth::hash_token(request.method + ' ' + request.route + '?' + request.raw_query + '\n' + request.body);
}

std::string serialize(const http::Response& response) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("status");
  w.Int(response.status);
  w.Key("content_type");
  w.String(response.content_type.c_str(), static_cast<rapidjson::SizeType>(response.content_type.size()));
  w.Key("headers");
  w.StartArray();
  for (const auto& [name, value] : response.headers) {
    w.StartArray();
    w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    w.EndArray();
  }
  w.EndArray();
  w.Key("body");
  w.String(response.body.c_str(), static_cast<rapidjson::SizeType>(response.body.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

http::Response deserialize(const std::string& stored) {
  rapidjson::Document d;
  d.Parse(stored.c_str(), stored.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("status") || !d["status"].IsInt())
    throw std::runtime_error("unreadable stored idempotent response");
  http::Response r;
  r.status = d["status"].GetInt();
  r.content_type.assign(d["content_type"].GetString(), d["content_type"].GetStringLength());
  for (const auto& h : d["headers"].GetArray())
    r.headers.emplace_back(std::string(h[0].GetString(), h[0].GetStringLength()),
                           std::string(h[1].GetString(), h[1].GetStringLength()));
  r.body.assign(d["body"].GetString(), d["body"].GetStringLength());
  return r;
}

// Bookkeeping after the handler ran must not change its answer: the write is
// done, and a client told 503 would retry it. If the key cannot be updated it
// stays "in flight", so retries get 409 until kIdempotencyStaleSeconds.
void settle(const char* what, const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::warn("could not {} an idempotency key: {}", what, e.what());
  }
}

http::Response run_once(storage::IdempotencyStore& store, const std::string& key_hash, const Call& call,
                        const EndpointHandler& handler) {
  http::Response response;
  try {
    response = handler(call);
  } catch (...) {
    settle("release", [&] { store.release(key_hash); });
    throw;
  }
  if (response.status >= 200 && response.status < 300)
    settle("complete", [&] { store.complete(key_hash, serialize(response)); });
  else
    settle("release", [&] { store.release(key_hash); });
  return response;
}

// Whose key it is: the account, or for a public route the client address.
std::string caller_of(const Services& services, const Call& call) {
  if (call.caller.user_id != 0) return "user:" + std::to_string(call.caller.user_id);
  return "address:" + services.trusted_proxies.client_address(call.request.remote_ip, call.request.forwarded_for);
}

}  // namespace

EndpointHandler idempotent(Services& services, EndpointHandler handler) {
  return [&services, handler = std::move(handler)](const Call& call) {
    const http::Request& request = call.request;
    if (request.idempotency_key.empty()) return handler(call);
    const std::string key = validated_key(request);
    const std::string key_hash =
        auth::hash_token(request.method + ' ' + request.route + '\n' + caller_of(services, call) + '\n' + key);
    auto& store = services.idempotency;
    const auto claim =
        store.claim(key_hash, fingerprint(request), unix_now(), kIdempotencyTtlSeconds, kIdempotencyStaleSeconds);
    switch (claim.outcome) {
      case storage::ClaimOutcome::Started: return run_once(store, key_hash, call, handler);
      case storage::ClaimOutcome::Completed: {
        auto replay = deserialize(claim.response);
        replay.headers.emplace_back("Idempotent-Replayed", "true");
        return replay;
      }
      case storage::ClaimOutcome::Mismatch:
        return http::problem_response(ErrorKind::IdempotencyKeyReused, {},
                                      {FieldError{"Idempotency-Key", "already used with another request"}});
      case storage::ClaimOutcome::InFlight: break;
    }
    auto busy = http::problem_response(ErrorKind::Conflict, "a request with this Idempotency-Key is still in progress");
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
  };
}

}  // namespace jogtrack::api
