// The list statements of every listable resource, in one place (storage-
// internal, no SOCI): runs, the weekly report and users, each built from a
// typed ListRequest by the emitter in list_sql.h. Placeholders: :owner (runs,
// weeks), :only_role (users, when given), :f0.. (filter values, in tree
// order), :lim and :off (pages).
#pragma once
#include <string>

#include "storage/storage.h"

namespace jogtrack::storage::queries {

std::string run_count(const ListRequest& request);
std::string run_page(const ListRequest& request);

// Unfiltered reports read weekly_totals (kept by every run write); filtered
// ones group the matching runs.
std::string week_count(const ListRequest& request);
std::string week_page(const ListRequest& request);

std::string user_count(const ListRequest& request, bool only_role);
std::string user_page(const ListRequest& request, bool only_role);

}  // namespace jogtrack::storage::queries
