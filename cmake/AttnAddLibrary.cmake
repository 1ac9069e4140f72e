# add_attn_library(name ...): add_mlir_library for attn's libraries. MLIR's
# own install rule would put them in MLIR's export set; attn installs them in
# its own, AttnTargets, which AttnConfig.cmake imports as Attn::<name>.
function(add_attn_library name)
  add_mlir_library(${name} DISABLE_INSTALL ${ARGN})
  target_include_directories(${name} INTERFACE $<INSTALL_INTERFACE:include>)
  # Code that links a sanitised attn library needs the sanitiser runtimes.
  if(ATTN_ENABLE_SANITIZERS)
    target_link_options(${name} INTERFACE -fsanitize=address,undefined)
  endif()
  install(TARGETS ${name} EXPORT AttnTargets
    ARCHIVE DESTINATION lib
    LIBRARY DESTINATION lib)
  set_property(GLOBAL APPEND PROPERTY ATTN_LIBRARIES ${name})
endfunction()
