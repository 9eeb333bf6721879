# Builds the web app (web/, Vite) and compiles its files into jt_webapp, so the
# binary serves /app/ and /docs with nothing beside it. Node is needed at build
# time only.
#
# Where the files come from, first match wins:
#   -DJOGTRACK_WEB=OFF            nothing embedded (e.g. the fuzz build); /app/ answers 404
#   -DJOGTRACK_WEB_DIST=<dir>     a dist directory built elsewhere (the ASan build reuses the
#                                 release build's <build>/webapp/dist instead of building twice)
#   web/package.json exists       `npm ci` (only when node_modules is missing or older than
#                                 package-lock.json), then `npm run build` into <build>/webapp/dist
#   otherwise                     data/web-placeholder (a stand-in page until web/ exists)
option(JOGTRACK_WEB "Embed the web app (/app/, /docs)" ON)
set(JOGTRACK_WEB_DIST "" CACHE PATH "Prebuilt web app dist directory to embed instead of building web/")

set(webapp_gen ${CMAKE_BINARY_DIR}/webapp)
set(webapp_cpp ${webapp_gen}/embedded_assets.cpp)
set(webapp_asm ${webapp_gen}/embedded_assets.S)
set(webapp_src ${CMAKE_SOURCE_DIR}/web)
find_program(JOGTRACK_GZIP gzip REQUIRED)

# Vite 8 needs Node 20.19+ (or 22.12+).
function(jogtrack_require_node)
  find_program(JOGTRACK_NODE node)
  find_program(JOGTRACK_NPM npm)
  set(how "install Node.js >= 20.19 and npm (scripts/install-deps.sh), or configure with "
          "-DJOGTRACK_WEB_DIST=<prebuilt dist> or -DJOGTRACK_WEB=OFF")
  if(NOT JOGTRACK_NODE OR NOT JOGTRACK_NPM)
    message(FATAL_ERROR "jogtrack: building the web app (web/) needs node and npm, not found: " ${how})
  endif()
  execute_process(COMMAND ${JOGTRACK_NODE} --version OUTPUT_VARIABLE v OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX REPLACE "^v" "" v "${v}")
  if(NOT v MATCHES "^[0-9]+\\.[0-9]+" OR v VERSION_LESS 20.19)
    message(FATAL_ERROR "jogtrack: building the web app needs Node.js >= 20.19, found '${v}' at "
                        "${JOGTRACK_NODE}: " ${how})
  endif()
endfunction()

set(dist "")
set(dist_deps "")
if(NOT JOGTRACK_WEB)
  message(STATUS "jogtrack: web app not embedded (JOGTRACK_WEB=OFF)")
elseif(JOGTRACK_WEB_DIST)
  if(NOT EXISTS ${JOGTRACK_WEB_DIST}/index.html)
    message(FATAL_ERROR "jogtrack: JOGTRACK_WEB_DIST=${JOGTRACK_WEB_DIST} has no index.html")
  endif()
  set(dist ${JOGTRACK_WEB_DIST})
  file(GLOB_RECURSE dist_deps CONFIGURE_DEPENDS ${dist}/*)
  message(STATUS "jogtrack: embedding the prebuilt web app in ${dist}")
elseif(EXISTS ${webapp_src}/package.json)
  jogtrack_require_node()
  set(dist ${webapp_gen}/dist)
  # npm writes node_modules/.package-lock.json on every install: older than
  # package-lock.json (or missing) means the dependencies are stale.
  set(npm_marker ${webapp_src}/node_modules/.package-lock.json)
  add_custom_command(
    OUTPUT ${npm_marker}
    COMMAND ${JOGTRACK_NPM} ci --no-audit --no-fund
    COMMAND ${CMAKE_COMMAND} -E touch ${npm_marker}
    DEPENDS ${webapp_src}/package.json ${webapp_src}/package-lock.json
    WORKING_DIRECTORY ${webapp_src}
    COMMENT "web: npm ci"
    VERBATIM)
  file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS
       ${webapp_src}/src/* ${webapp_src}/public/* ${webapp_src}/*.html ${webapp_src}/*.ts ${webapp_src}/*.json)
  list(FILTER web_sources EXCLUDE REGEX "/node_modules/")
  add_custom_command(
    OUTPUT ${webapp_gen}/dist.stamp
    COMMAND ${JOGTRACK_NPM} run build -- --outDir ${dist} --emptyOutDir
    COMMAND ${CMAKE_COMMAND} -E touch ${webapp_gen}/dist.stamp
    DEPENDS ${npm_marker} ${web_sources}
    WORKING_DIRECTORY ${webapp_src}
    COMMENT "web: npm run build"
    VERBATIM)
  set(dist_deps ${webapp_gen}/dist.stamp)
else()
  set(dist ${CMAKE_SOURCE_DIR}/data/web-placeholder)
  file(GLOB_RECURSE dist_deps CONFIGURE_DEPENDS ${dist}/*)
  message(STATUS "jogtrack: web/ not found, embedding the placeholder page (data/web-placeholder)")
endif()

add_custom_command(
  OUTPUT ${webapp_cpp} ${webapp_asm}
  COMMAND ${CMAKE_COMMAND} -DDIST=${dist} -DOUT_DIR=${webapp_gen} -DGZIP=${JOGTRACK_GZIP}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${dist_deps} ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  COMMENT "web: embedding the app's files"
  VERBATIM)

enable_language(ASM)
jogtrack_module(webapp DEPS jt_common jt_http jt_data)
target_sources(jt_webapp PRIVATE ${webapp_cpp} ${webapp_asm})
# .incbin reads files the dependency scanner does not know about: reassemble
# whenever the table is regenerated.
set_source_files_properties(${webapp_asm} PROPERTIES OBJECT_DEPENDS ${webapp_cpp})
