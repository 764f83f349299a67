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
if(NOT xml MATCHES "^<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?>\n<testsuites>\n  <testsuite name=\"capsim check retail_support\" tests=\"[0-9]+\" failures=\"[1-9][0-9]*\""
   OR NOT xml MATCHES "<testcase classname=\"capsim.check.retail_support\" name=\"baseline slas.answer_20s.attained\"><failure message=\""
   OR NOT xml MATCHES "</testsuite>\n</testsuites>\n$")
  message(FATAL_ERROR "JUnit XML not as expected:\n${xml}")
endif()
# The short path of an SLA takes a tolerance: a 50-point drop of answer_20s is tolerated.
execute_process(COMMAND ${CAPSIM} check scenarios/retail_support.yaml -r 8 --baseline ${base} --set pools.tier2.agents=2
                        --tolerance slas.answer_20s=50%
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(out MATCHES "FAIL  baseline slas.answer_20s.attained" OR err MATCHES "tolerance|error")
  message(FATAL_ERROR "tolerance on slas.answer_20s not applied: exit ${code}\n${out}${err}")
endif()
# A check that cannot run (a bad --set: exit 2) still writes its JUnit report, one error naming why.
file(REMOVE ${WORKDIR}/check_error_junit.xml)
execute_process(COMMAND ${CAPSIM} check scenarios/retail_support.yaml -r 8 --set pools.tier2.agents=many
                        --junit ${WORKDIR}/check_error_junit.xml
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${WORKDIR}/check_error_junit.xml xml)
if(NOT code EQUAL 2 OR NOT xml MATCHES "errors=\"1\"" OR NOT xml MATCHES "<error type=\"bad input\" message=\"--set pools.tier2.agents=many: pools.tier2.agents: expected a whole number")
  message(FATAL_ERROR "JUnit report of a bad input: exit ${code}\n${err}\n${xml}")
endif()
# --junit naming the baseline would destroy it: refused before anything runs.
execute_process(COMMAND ${CAPSIM} check scenarios/retail_support.yaml -r 8 --baseline ${base} --junit ${base}
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${base} still)
if(NOT code EQUAL 2 OR NOT err MATCHES "is also an input" OR NOT still MATCHES "\"kpis\"")
  message(FATAL_ERROR "--junit over the baseline: exit ${code}\n${out}${err}")
endif()
# A baseline of one replication has no spread: exit 2, not "0 moved".
set(one ${WORKDIR}/check_baseline_one.json)
execute_process(COMMAND ${CAPSIM} run scenarios/retail_support.yaml -r 1 --format json -o ${one}
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code)
execute_process(COMMAND ${CAPSIM} check scenarios/retail_support.yaml -r 8 --baseline ${one}
                WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 2 OR NOT err MATCHES "a comparison needs a baseline of at least 2")
  message(FATAL_ERROR "one-replication baseline: exit ${code}\n${out}${err}")
endif()
