# Every external package comes from Debian (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(fmt REQUIRED)          # must precede restinio
find_package(restinio REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)  # only tests/unit/auth, to forge odd tokens; the server writes JSON with RapidJSON
find_package(CURL REQUIRED)
find_package(pugixml REQUIRED)      # GPX/TCX import (src/imports)
find_package(ZLIB REQUIRED)       # gzip of API responses (http/conventions.cpp)
find_package(RapidJSON QUIET)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)

# Debian's SOCI ships neither a CMake config nor a .pc file.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
foreach(part core sqlite3 postgresql)
  find_library(SOCI_${part}_LIBRARY soci_${part} REQUIRED)
  add_library(soci::${part} UNKNOWN IMPORTED)
  set_target_properties(soci::${part} PROPERTIES
    IMPORTED_LOCATION ${SOCI_${part}_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${SOCI_INCLUDE_DIR})
endforeach()
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
set_property(TARGET soci::sqlite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES soci::core SQLite::SQLite3)
set_property(TARGET soci::postgresql APPEND PROPERTY INTERFACE_LINK_LIBRARIES soci::core PostgreSQL::PostgreSQL)
set_property(TARGET soci::core APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${CMAKE_DL_LIBS})
find_package(Threads REQUIRED)
