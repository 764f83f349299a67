# Writes OUT, a C++ source defining `const std::string_view capsim::io::assets::NAME` with
# the bytes of the text file IN, for a page that inlines it in a <script> or <style>
# element. The bytes are an array initialiser, not a string literal: compilers need not take
# literals longer than 65,536 characters (clang warns). Run at build time:
# cmake -DIN=... -DOUT=... -DNAME=... -P embed_text.cmake
file(READ "${IN}" content)
string(TOLOWER "${content}" lower)
string(FIND "${lower}" "</script" closes_script)
string(FIND "${lower}" "</style" closes_style)
if(NOT closes_script EQUAL -1 OR NOT closes_style EQUAL -1)
  message(FATAL_ERROR "${IN} contains </script or </style and cannot be inlined in a page")
endif()
if(content STREQUAL "")
  message(FATAL_ERROR "${IN} is empty")
endif()
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUT}.tmp"
     "// Generated from ${IN} by cmake/embed_text.cmake; do not edit.\n"
     "#include \"models/io/report_assets.h\"\n"
     "namespace capsim::io::assets {\n"
     "namespace {\n"
     "const char bytes[] = {${bytes}};\n"
     "}  // namespace\n"
     "extern const std::string_view ${NAME};\n"
     "const std::string_view ${NAME}{bytes, sizeof bytes};\n"
     "}  // namespace capsim::io::assets\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
