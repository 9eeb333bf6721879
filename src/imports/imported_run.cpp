#include "imports/imported_run.h"

#include <cmath>
#include <cstdio>

namespace jogtrack::imports {

std::string format_location(double latitude, double longitude) {
  // Rounded first so that -0.00001 prints as 0.0000, not -0.0000.
  const auto round4 = [](double v) {
    const double r = std::round(v * 10000.0) / 10000.0;
    return r == 0.0 ? 0.0 : r;
  };
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f %.4f", round4(latitude), round4(longitude));
  return buf;
}

}  // namespace jogtrack::imports
