# fp_embed_assets(<target> <file>...) compiles files into <target> as fp::server::assets
# (src/server/assets.h). The source is generated in the build tree by cmake/embed_assets.cmake,
# run at build time, so editing a file under web/ regenerates and rebuilds only that source.
# index.html is served at "/", every other file at "/<file name>"; the content type comes from
# the extension (unknown extensions are an error at configure time, not a silent octet-stream).
set(FP_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake)

function(fp_embed_assets target)
  set(files "")
  set(names "")
  foreach(file ${ARGN})
    get_filename_component(abs ${file} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(name ${abs} NAME)
    if(name IN_LIST names)
      message(FATAL_ERROR "fp_embed_assets: two files would be served as /${name}")
    endif()
    list(APPEND names ${name})
    get_filename_component(ext ${abs} LAST_EXT)
    if(NOT ext MATCHES "^\\.(html|js|css|json|svg|txt|ico|png)$")
      message(FATAL_ERROR "fp_embed_assets: no content type known for ${abs}")
    endif()
    list(APPEND files ${abs})
  endforeach()
  if(NOT files)
    message(FATAL_ERROR "fp_embed_assets(${target}): no files given")
  endif()

  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_assets.cc)
  string(REPLACE ";" "|" file_arg "${files}")  # a list cannot cross -D intact
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} "-DFILES=${file_arg}" "-DOUTPUT=${out}" -P ${FP_EMBED_SCRIPT}
    DEPENDS ${files} ${FP_EMBED_SCRIPT}
    COMMENT "Embedding web assets into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
