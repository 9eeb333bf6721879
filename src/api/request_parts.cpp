#include "api/request_parts.h"

#include <charconv>

#include "common/errors.h"

namespace jogtrack::api {

namespace {

std::optional<std::int64_t> positive_integer(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::int64_t paging_number(const http::Request& request, const char* name, std::int64_t fallback,
                           std::int64_t min, std::int64_t max) {
  const auto text = request.query_param(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || value < min || value > max)
    throw_invalid(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return value;
}

void append_percent_encoded(std::string& out, std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

// "<path>?<every other parameter>&" : the part all of a list's links share,
// encoded once per answer rather than once per link.
std::string link_base(const http::Request& request) {
  std::string base = "<";
  base.reserve(request.path.size() + request.raw_query.size() + 16);
  base += request.path;
  base += '?';
  for (const auto& [key, value] : request.query) {
    if (key == "page" || key == "count") continue;
    append_percent_encoded(base, key);
    base += '=';
    append_percent_encoded(base, value);
    base += '&';
  }
  return base;
}

void append_link(std::string& links, const std::string& base, std::int64_t page, std::int64_t count,
                 const char* rel) {
  if (!links.empty()) links += ", ";
  links += base;
  links += "page=";
  links += std::to_string(page);
  links += "&count=";
  links += std::to_string(count);
  links += ">; rel=\"";
  links += rel;
  links += '"';
}

}  // namespace

std::int64_t path_id(const http::Request& request, std::size_t index) {
  const std::string_view text =
      index < request.path_params.size() ? std::string_view(request.path_params[index]) : std::string_view();
  const auto id = positive_integer(text);
  if (!id) throw_invalid("id", "the id in the path must be a positive integer");
  return *id;
}

std::optional<std::int64_t> query_user_id(const http::Request& request) {
  const auto text = request.query_param("user_id");
  if (!text) return std::nullopt;
  const auto id = positive_integer(*text);
  if (!id) throw_invalid("user_id", "must be a positive integer");
  return id;
}

storage::ListRequest parse_list_request(const http::Request& request, const filter::Schema& schema,
                                        std::string_view default_sort, const filter::Schema* sort_schema) {
  storage::ListRequest list;
  list.page = paging_number(request, "page", 0, 0, 1'000'000'000);
  list.count = paging_number(request, "count", 10, 1, 1000);
  if (const auto f = request.query_param("filter")) list.filter = filter::parse_filter(*f, schema);
  list.sort = filter::parse_sort(request.query_param("sort").value_or(""), sort_schema ? *sort_schema : schema,
                                 default_sort);
  return list;
}

void add_paging_headers(http::Response& response, const http::Request& request, const storage::ListRequest& list,
                        std::int64_t total) {
  const std::int64_t last = total == 0 ? 0 : (total - 1) / list.count;
  const std::string base = link_base(request);
  std::string link;
  link.reserve(4 * (base.size() + 40));
  append_link(link, base, 0, list.count, "first");
  if (list.page > 0) append_link(link, base, std::min(list.page - 1, last), list.count, "prev");
  if (list.page < last) append_link(link, base, list.page + 1, list.count, "next");
  append_link(link, base, last, list.count, "last");
  response.headers.emplace_back("X-Total-Count", std::to_string(total));
  response.headers.emplace_back("Link", std::move(link));
}

}  // namespace jogtrack::api
