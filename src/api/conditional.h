// ETags and If-Match for runs and users (SPEC §6): the ETag is the row version, so the check is the store's.
#pragma once
#include <cstdint>

#include "http/message.h"
#include "storage/storage.h"

namespace jogtrack::api {

// Adds ETag: "v<version>" (strong) and returns the response; If-None-Match is
// answered by the server (http/conventions.h).
http::Response with_etag(http::Response response, std::int64_t version);

// The request's If-Match as versions to write against: absent or "*" -> no
// check (a missing resource is a 404 anyway); otherwise the versions of the
// strong tags this server issued (including their "-gzip" variants). Weak or
// foreign tags match nothing, so a list of only those -> 412.
storage::VersionCheck if_match(const http::Request& request);

}  // namespace jogtrack::api
