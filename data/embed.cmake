# Writes the embedded files as raw string literals (see include/jogtrack_data.h).
# openapi.json and problems.html are written by scripts/gen-openapi.py.
file(READ ${SRC}/common-passwords.txt passwords)
file(READ ${SRC}/openapi.json openapi)
file(READ ${SRC}/problems.html problems)
file(WRITE ${OUT} "#include \"jogtrack_data.h\"\nnamespace jogtrack::data {\n")
file(APPEND ${OUT} "std::string_view common_passwords() { return R\"JTDATA(${passwords})JTDATA\"; }\n")
file(APPEND ${OUT} "std::string_view openapi_json() { return R\"JTDATA(${openapi})JTDATA\"; }\n")
file(APPEND ${OUT} "std::string_view problems_html() { return R\"JTDATA(${problems})JTDATA\"; }\n}\n")
