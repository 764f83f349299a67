# Same scenario and seed, 1 thread and 3 threads: the CSV output (every KPI distribution of
# every scope) must be byte-identical.
foreach(threads 1 3)
  execute_process(COMMAND ${CAPSIM} run scenarios/contact_center_day.yaml -r 7 -j ${threads} --format csv
                  WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE code OUTPUT_VARIABLE out_${threads} ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "-j ${threads}: exit ${code}: ${err}")
  endif()
endforeach()
string(LENGTH "${out_1}" length)
if(length LESS 10000)
  message(FATAL_ERROR "unexpectedly short output (${length} bytes)")
endif()
if(NOT out_1 STREQUAL out_3)
  message(FATAL_ERROR "output differs between -j 1 and -j 3")
endif()
# -j is taken as asked, also beyond the cores (a 1-core runner still compares 1 with 3).
execute_process(COMMAND ${CAPSIM} run scenarios/retail_support.yaml -r 2 -j 3 --format json
                WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE code OUTPUT_VARIABLE json ERROR_VARIABLE err)
if(NOT code EQUAL 0 OR NOT json MATCHES "\"run\": {[^}]*\"threads\": 3")
  message(FATAL_ERROR "-j 3 did not run 3 threads: exit ${code}: ${err}")
endif()
