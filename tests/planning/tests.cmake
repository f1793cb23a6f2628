irplan_add_test(planning_unit_tests SOURCES planning/ChartMarginTest.cpp
  LIBS irplan_planning LABELS planning unit)
irplan_add_test(planning_vessel_path_tests SOURCES planning/VesselPathTest.cpp planning/IreTest.cpp
  LIBS irplan_planning LABELS planning)
# Thermal calibrations are shared between cases: one process.
irplan_add_test(planning_thermal_tests SOURCES planning/ThermalTest.cpp
  LIBS irplan_planning LABELS planning WHOLE)
# One phantom for every case: one process.
irplan_add_test(planning_phantom_tests SOURCES planning/PhantomPlanTest.cpp
  LIBS irplan_planning irplan_phantom LABELS planning WHOLE)
irplan_add_test(planning_cli_tests SOURCES planning/PlanCliTest.cpp
  LIBS irplan_planning LABELS planning cli)
