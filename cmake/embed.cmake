# tw_embed_files(<target> <namespace> <files...>): compiles the files into the binary as
# string_views, so the server needs no data files at run time (models, migrations, web assets).
function(tw_embed_files target ns)
  set(out_cc "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cc")
  string(REPLACE ";" "|" files_arg "${ARGN}")
  add_custom_command(
    OUTPUT "${out_cc}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DNS=${ns} -DFILES=${files_arg}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_script.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/embed_script.cmake"
    COMMENT "Embedding files into ${target}"
    VERBATIM)
  add_library(${target} STATIC "${out_cc}")
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}/src")
endfunction()

# tw_embed_tree(<target> <namespace> <base_dir> <files...>): like tw_embed_files, but each file is
# named by its path relative to base_dir ("js/app.js"), for trees such as the console's assets. An
# empty file list gives an empty table.
function(tw_embed_tree target ns base)
  set(out_cc "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cc")
  string(REPLACE ";" "|" files_arg "${ARGN}")
  add_custom_command(
    OUTPUT "${out_cc}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DNS=${ns} -DBASE=${base} -DFILES=${files_arg}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_script.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/embed_script.cmake"
    COMMENT "Embedding files into ${target}"
    VERBATIM)
  add_library(${target} STATIC "${out_cc}")
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}/src")
endfunction()
