# The pipeline (`irplan run`), the case report and surface export. The
# end-to-end suite shares one phantom run: one process.
if(TARGET irplan_pipeline AND TARGET irplan_report)
  irplan_add_test(pipeline_tests SOURCES pipeline/PipelineTest.cpp
    LIBS irplan_io irplan_phantom LABELS pipeline cli WHOLE)
endif()
if(TARGET irplan_render AND IRPLAN_BUILD_GUI)
  irplan_add_test(pipeline_surface_tests SOURCES pipeline/SurfacesTest.cpp
    LIBS irplan_render irplan_phantom LABELS pipeline render)
endif()
if(TARGET irplan_report)
  irplan_add_test(report_unit_tests SOURCES pipeline/ReportUnitTest.cpp
    LIBS irplan_report LABELS pipeline unit)
endif()
