# `cmake --install`: headers (sources and generated), the libraries with
# their export set, libAttnC.so, the mlir-opt plugin, the tools, the CUDA
# runtime archive and header, and
# lib/cmake/attn/AttnConfig.cmake for find_package(Attn).
include(CMakePackageConfigHelpers)
set(ATTN_INSTALL_INCLUDE_DIR include)
set(ATTN_INSTALL_LIB_DIR lib)
set(ATTN_INSTALL_CMAKE_DIR lib/cmake/attn)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/attn
                  ${PROJECT_SOURCE_DIR}/include/attn-c
  DESTINATION ${ATTN_INSTALL_INCLUDE_DIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/attn
  DESTINATION ${ATTN_INSTALL_INCLUDE_DIR}
  FILES_MATCHING PATTERN "*.inc")
install(TARGETS AttnC AttnPlugin LIBRARY DESTINATION ${ATTN_INSTALL_LIB_DIR})
install(TARGETS attn-opt attn-run attn-compile attn-lsp-server
  RUNTIME DESTINATION bin)
# The CUDA runtime that attn-compile's GPU libraries link, where the
# installed compiler looks for it (findCudaRuntime): PREFIX/lib and
# PREFIX/include/attn-cuda.
install(TARGETS AttnCudaRuntime ARCHIVE DESTINATION ${ATTN_INSTALL_LIB_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/runtime/cuda/AttnCudaRuntime.h
  DESTINATION ${ATTN_INSTALL_INCLUDE_DIR}/attn-cuda)
install(EXPORT AttnTargets NAMESPACE Attn::
  DESTINATION ${ATTN_INSTALL_CMAKE_DIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/AttnConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/AttnConfig.cmake
  INSTALL_DESTINATION ${ATTN_INSTALL_CMAKE_DIR}
  PATH_VARS ATTN_INSTALL_INCLUDE_DIR ATTN_INSTALL_LIB_DIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/AttnConfigVersion.cmake
  VERSION 0.1.0 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/AttnConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/AttnConfigVersion.cmake
  DESTINATION ${ATTN_INSTALL_CMAKE_DIR})
