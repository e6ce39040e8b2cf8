# Warnings are errors for the project's own targets; third-party headers come in as SYSTEM.
function(tw_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Werror)
endfunction()
