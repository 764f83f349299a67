# Runs CAPSIM with ARGS (a ;-list) in WORKDIR; fails unless the exit code is EXPECT_CODE and
# stdout+stderr match EXPECT_REGEX (when given).
execute_process(COMMAND ${CAPSIM} ${ARGS} WORKING_DIRECTORY ${WORKDIR}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_CODE}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT EXPECT_REGEX STREQUAL "" AND NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "output does not match '${EXPECT_REGEX}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
