# Viewer frame times on the clinical-size phantom (512 x 512 x 300 CT and its PET),
# with VTK's stock ray cast of the CT alone as the reference.
# Needs an X display: xvfb-run -a -s "-screen 0 1920x1080x24" ./build/bench/render_bench
if(TARGET irplan_render)
  find_package(VTK 9.1 REQUIRED COMPONENTS CommonCore CommonDataModel RenderingCore RenderingOpenGL2
    RenderingVolume RenderingVolumeOpenGL2)
  irplan_add_bench(render_bench RenderBench.cpp VtkReferenceBench.cpp)
  target_link_libraries(render_bench PRIVATE irplan_render irplan_phantom ${VTK_LIBRARIES})
  target_include_directories(render_bench SYSTEM PRIVATE ${VTK_INCLUDE_DIRS})
  vtk_module_autoinit(TARGETS render_bench MODULES ${VTK_LIBRARIES})
endif()
