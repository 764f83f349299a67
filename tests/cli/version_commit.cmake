# capsim --version names the commit of the source it was built from, taken at build time
# (with -dirty for changes not committed), not at configure time.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE} OUTPUT_VARIABLE head
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE git_code ERROR_QUIET)
if(NOT git_code EQUAL 0)
  message(STATUS "not a git checkout: nothing to compare")
  return()
endif()
execute_process(COMMAND ${CAPSIM} --version OUTPUT_VARIABLE version RESULT_VARIABLE code)
if(NOT code EQUAL 0 OR NOT version MATCHES "^capsim [0-9.]+ \\(${head}(-dirty)?\\)")
  message(FATAL_ERROR "capsim --version says '${version}'; the source is at ${head} (rebuild after committing)")
endif()
