#include "http/router.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace jogtrack::http {

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;  // few children: linear scan
  std::unique_ptr<Node> param;
  std::unique_ptr<Node> tail;  // a last {name*} segment: matches the rest of the path
  std::vector<const Route*> routes;  // routes ending here, one per method

  Node* literal(std::string_view seg) const {
    for (const auto& [name, child] : literals)
      if (name == seg) return child.get();
    return nullptr;
  }
};

namespace {

bool is_tail_segment(std::string_view seg) {
  return seg.size() >= 4 && seg.front() == '{' && seg.ends_with("*}") &&
         seg.substr(1, seg.size() - 3).find_first_of("{}/*") == std::string_view::npos;
}

bool is_param_segment(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}' &&
         seg.substr(1, seg.size() - 2).find_first_of("{}/*") == std::string_view::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// rest: what follows a '/' in the path (the next segment and beyond).
const Router::Node* Router::find_node(const Router::Node* node, std::string_view rest, std::vector<std::string>& params) {
  const auto slash = rest.find('/');
  const std::string_view seg = rest.substr(0, slash);
  if (!seg.empty()) {
    const bool last = slash == std::string_view::npos;
    const std::string_view next = last ? std::string_view{} : rest.substr(slash + 1);

    auto descend = [&](const Router::Node* child) -> const Router::Node* {
      if (last) return child->routes.empty() ? nullptr : child;
      return find_node(child, next, params);
    };

    if (const Router::Node* lit = node->literal(seg))
      if (const Router::Node* found = descend(lit)) return found;
    if (node->param) {
      params.emplace_back(seg);
      if (const Router::Node* found = descend(node->param.get())) return found;
      params.pop_back();
    }
  }
  if (node->tail) {
    params.emplace_back(rest);
    return node->tail.get();
  }
  return nullptr;
}

std::string MatchResult::allow_header() const {
  std::string out;
  for (const auto& m : allowed) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(Route route) {
  if (route.method.empty() ||
      route.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != std::string::npos)
    throw std::invalid_argument("route method must be an upper-case HTTP method: '" + route.method + "'");
  if (!route.handler) throw std::invalid_argument("route " + route.method + " " + route.pattern + " has no handler");
  const std::string_view pattern = route.pattern;
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': '" + route.pattern + "'");

  Node* node = root_.get();
  if (pattern != "/") {
    std::string_view rest = pattern.substr(1);
    while (true) {
      const auto slash = rest.find('/');
      const std::string_view seg = rest.substr(0, slash);
      if (seg.empty()) throw std::invalid_argument("route pattern has an empty segment: '" + route.pattern + "'");
      if (is_tail_segment(seg)) {
        if (slash != std::string_view::npos)
          throw std::invalid_argument("a {name*} segment must be the last one: '" + route.pattern + "'");
        if (!node->tail) node->tail = std::make_unique<Node>();
        node = node->tail.get();
      } else if (is_param_segment(seg)) {
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
      } else if (seg.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("route pattern segment must be literal, {name} or a last {name*}: '" +
                                    route.pattern + "'");
      } else {
        Node* child = node->literal(seg);
        if (!child) {
          node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
          child = node->literals.back().second.get();
        }
        node = child;
      }
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  for (const Route* r : node->routes)
    if (r->method == route.method)
      throw std::invalid_argument("duplicate route " + route.method + " " + route.pattern + " (already " +
                                  r->method + " " + r->pattern + ")");
  has_route_body_limit_ = has_route_body_limit_ || route.max_body_bytes > 0;
  routes_.push_back(std::move(route));
  node->routes.push_back(&routes_.back());
}

MatchResult Router::match(std::string_view method, std::string_view path) const {
  MatchResult result;
  if (path.empty() || path.front() != '/') return result;
  const Node* node = nullptr;
  if (path == "/" && !root_->routes.empty()) {
    node = root_.get();
  } else {
    node = find_node(root_.get(), path.substr(1), result.params);
  }
  if (!node) {
    result.params.clear();
    return result;
  }
  const Route* get = nullptr;
  bool has_head = false;
  for (const Route* r : node->routes) {
    if (r->method == method) {
      result.route = r;
      result.pattern = r->pattern;
      return result;
    }
    if (r->method == "GET") get = r;
    has_head = has_head || r->method == "HEAD";
  }
  // HEAD works wherever GET does (SPEC §6): the server drops the GET answer's body.
  if (method == "HEAD" && get) {
    result.route = get;
    result.pattern = get->pattern;
    return result;
  }
  result.params.clear();
  result.path_known = true;
  result.pattern = node->routes.front()->pattern;
  result.allowed.reserve(node->routes.size() + 1);
  for (const Route* r : node->routes) result.allowed.push_back(r->method);
  if (get && !has_head) result.allowed.emplace_back("HEAD");
  std::sort(result.allowed.begin(), result.allowed.end());
  return result;
}

std::vector<std::pair<std::string, std::string>> Router::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

std::size_t Router::max_route_body_bytes() const {
  std::size_t largest = 0;
  for (const Route& r : routes_) largest = std::max(largest, r.max_body_bytes);
  return largest;
}

std::size_t Router::body_limit(std::string_view method, std::string_view path) const {
  if (!has_route_body_limit_) return 0;
  const MatchResult m = match(method, path);
  return m.found() ? m.route->max_body_bytes : 0;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  if (in.find_first_of(plus_as_space ? "%+" : "%") == std::string_view::npos) {
    out.assign(in);
    return out;
  }
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw.empty()) {
    const auto amp = raw.find('&');
    const std::string_view piece = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
    if (piece.empty()) continue;
    const auto eq = piece.find('=');
    auto key = percent_decode(piece.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::optional<std::string_view> repeated_query_param(const std::vector<std::pair<std::string, std::string>>& query) {
  if (query.size() < 2) return std::nullopt;
  // A set, not pairwise compares: a 32 KiB query can carry ~16k parameters.
  std::unordered_set<std::string_view> seen;
  seen.reserve(query.size());
  for (const auto& [name, value] : query)
    if (!seen.insert(name).second) return std::string_view(name);
  return std::nullopt;
}

}  // namespace jogtrack::http
