# capsim check --baseline: a stored run with per-replication values, then the same scenario
# (passes: no KPI moved) and a variant with half the tier-2 agents (fails: paired, significant).
set(base ${WORKDIR}/check_baseline_base.json)
execute_process(COMMAND ${CAPSIM} run scenarios/retail_support.yaml -r 8 --format json --replication-values -o ${base}
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "run failed: ${code}")
endif()
execute_process(COMMAND ${CAPSIM} check scenarios/retail_support.yaml -r 8 --baseline ${base}
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0 OR NOT out MATCHES "paired replication by replication\\), 0 moved")
  message(FATAL_ERROR "same scenario: exit ${code}\n${out}${err}")
endif()
execute_process(COMMAND ${CAPSIM} check scenarios/retail_support.yaml -r 8 --baseline ${base} --set pools.tier2.agents=2
                        --junit ${WORKDIR}/check_baseline_junit.xml
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 1 OR NOT out MATCHES "FAIL  baseline slas.answer_20s.attained")
  message(FATAL_ERROR "fewer agents: exit ${code}\n${out}${err}")
endif()
file(READ ${WORKDIR}/check_baseline_junit.xml xml)
if(NOT xml MATCHES "^<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?>\n<testsuites>\n  <testsuite name=\"capsim check\" tests=\"[0-9]+\" failures=\"[1-9][0-9]*\""
   OR NOT xml MATCHES "<testcase classname=\"capsim.check\" name=\"baseline slas.answer_20s.attained\"><failure message=\""
   OR NOT xml MATCHES "</testsuite>\n</testsuites>\n$")
  message(FATAL_ERROR "JUnit XML not as expected:\n${xml}")
endif()
