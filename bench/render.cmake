# Viewer frame times on the clinical-size phantom (512 x 512 x 300 CT and its PET).
# Needs an X display: xvfb-run -a -s "-screen 0 1920x1080x24" ./build/bench/render_bench
if(TARGET irplan_render)
  irplan_add_bench(render_bench RenderBench.cpp)
  target_link_libraries(render_bench PRIVATE irplan_render irplan_phantom)
endif()
