// GPX 1.0/1.1 and Garmin TCX files -> runs (SPEC §7), parsed with pugixml.
//
// XML safety: a document with a DOCTYPE is refused outright (400), so no
// entity is ever declared, let alone expanded or fetched: XXE and
// "billion laughs" inputs fail before any track is read. pugixml itself never
// opens files or the network and only knows the five predefined entities.
//
// One run per GPX <trk> / TCX <Activity>. Elements are matched by local name,
// so files with a default namespace, a prefix (gpx:trkpt) or none at all read
// alike; unknown elements (extensions, heart rate, cadence) are ignored.
//  - points: GPX <trkpt lat lon> in every <trkseg>, in document order; TCX
//    <Trackpoint> with a <Position> in every <Lap>/<Track>. A TCX trackpoint
//    without a position (a pause, an indoor lap) is skipped.
//  - distance: sum of the haversine distances (R = 6,371,008.8 m) between
//    consecutive points, across segments and laps as well, rounded to metres.
//    Points without a time still count for distance.
//  - time: last minus first timed point, in seconds (fractions rounded).
//  - location: the first point, 4 decimals.
//  - date: the first timed point's UTC time shifted by round(lon / 15) hours,
//    lon being the first point's longitude: the runner's approximate local day.
// Errors (ApiError BadRequest): malformed XML (with its byte offset), a
// DOCTYPE, a root that is not <gpx> / <TrainingCenterDatabase>, no track, a
// bad coordinate or time, a track with fewer than 2 timed points (named by
// its number and <name>/<Id>).
#pragma once
#include <string_view>
#include <vector>

#include "imports/imported_run.h"

namespace jogtrack::imports {

inline constexpr double kEarthRadiusMetres = 6'371'008.8;

// Great-circle distance in metres between two points in decimal degrees.
double haversine_metres(double lat1, double lon1, double lat2, double lon2);

std::vector<ImportedRun> parse_gpx(std::string_view document);
std::vector<ImportedRun> parse_tcx(std::string_view document);

}  // namespace jogtrack::imports
