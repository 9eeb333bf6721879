// Route table (segment matching, no regex, no RESTinio); problem+json lives in http/problems.h.
#pragma once
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"
#include "http/problems.h"

namespace jogtrack::http {

struct MatchResult {
  // Set when both the path and the method matched.
  const Route* route = nullptr;
  // Values of the route's {..} segments, in order (taken from the decoded path).
  std::vector<std::string> params;
  // The matched route template (when found or path_known): a bounded metrics label.
  std::string_view pattern;
  // The path matches a route but not for this method (-> 405 with Allow).
  bool path_known = false;
  // When path_known: the methods that path supports, sorted, e.g. {"GET", "PATCH"}.
  std::vector<std::string> allowed;

  bool found() const { return route != nullptr; }
  // "GET, PATCH" — the value of the Allow header for a 405.
  std::string allow_header() const;
};

// Matching rules:
//  - the path is split on '/'; a literal segment must match exactly (case-
//    sensitive), {name} matches any one non-empty segment;
//  - a literal beats a parameter at the same position, with backtracking, so
//    "/results/reports/weekly" and "/results/{id}" coexist (and "/a/{x}/c"
//    still matches "/a/b/c" when "/a/b" exists only as a prefix of other routes);
//  - the path is matched first; the most specific path that exists decides,
//    then the method: no route for it -> path_known (405);
//  - an empty segment never matches: "/users/" and "//users" are not found
//    (a tail takes them as they come);
//  - a last segment {name*} (a tail) matches whatever follows the '/' before
//    it, empty or several segments: "/app/{path*}" matches "/app/", "/app/runs"
//    and "/app/assets/x.js" (param "", "runs", "assets/x.js") but not "/app".
//    It is tried after literals and {name}, so "/app/x" can still be its own
//    route. It serves the web app's client-side routes, which have any depth;
//  - HEAD without a HEAD route of its own takes the path's GET route (and
//    Allow lists HEAD beside GET); OPTIONS is not special: 405 unless registered.
// add() is for setup; match() and list() are thread-safe const calls.
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // A valid pattern is "/" or '/'-separated non-empty segments, each either
  // literal text (no braces) or a whole "{name}"; the last may be "{name*}". Throws std::invalid_argument
  // for any other pattern, a method that is not upper-case letters/'-', an
  // empty handler, or a method+pattern already registered (param names do
  // not count: "/users/{id}" and "/users/{other}" are the same path).
  void add(Route route);

  MatchResult match(std::string_view method, std::string_view path) const;

  // (method, pattern) of every route, in registration order.
  std::vector<std::pair<std::string, std::string>> list() const;
  // The largest Route::max_body_bytes registered (0 if none): what the server must be able to read.
  std::size_t max_route_body_bytes() const;
  // The Route::max_body_bytes of the route that method + (decoded) path
  // match, or 0 when none matches or it has no limit of its own. Costs one
  // match(), and nothing at all while no route has a limit of its own. The
  // server's parser asks it only for a request whose body may exceed the
  // default limit (parser_limits.h).
  std::size_t body_limit(std::string_view method, std::string_view path) const;

 private:
  struct Node;
  static const Node* find_node(const Node* node, std::string_view rest, std::vector<std::string>& params);
  std::unique_ptr<Node> root_;
  std::deque<Route> routes_;  // stable addresses
  bool has_route_body_limit_ = false;  // some route has its own max_body_bytes
};

// Decodes %XX escapes (and '+' as a space when plus_as_space, as in query
// strings). nullopt for a malformed escape or an escaped NUL byte.
std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space);

// "a=1&b=x%20y&c" -> {{"a","1"},{"b","x y"},{"c",""}}, in order; empty pieces
// ("a=1&&b=2") are skipped. nullopt when any key or value is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view raw);

// The first parameter name that occurs more than once, if any.
std::optional<std::string_view> repeated_query_param(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace jogtrack::http
