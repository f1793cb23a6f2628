if(TARGET irplan_segmentation)
  irplan_add_bench(segmentation_bench SegmentationBench.cpp)
  target_link_libraries(segmentation_bench PRIVATE irplan_segmentation irplan_phantom)
endif()
