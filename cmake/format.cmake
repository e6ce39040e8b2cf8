# format: rewrite every C++ file; format-check: fail if any differs (part of the test command).
find_program(CLANG_FORMAT clang-format)
file(GLOB_RECURSE TW_FORMAT_FILES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/src/*.h ${PROJECT_SOURCE_DIR}/src/*.cc
     ${PROJECT_SOURCE_DIR}/tests/*.h ${PROJECT_SOURCE_DIR}/tests/*.cc)
if(CLANG_FORMAT)
  add_custom_target(format COMMAND ${CLANG_FORMAT} -i ${TW_FORMAT_FILES} VERBATIM)
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT} --dry-run -Werror ${TW_FORMAT_FILES}
    COMMENT "Checking clang-format" VERBATIM)
else()
  add_custom_target(format-check COMMAND ${CMAKE_COMMAND} -E echo "clang-format not found" COMMAND false)
endif()
