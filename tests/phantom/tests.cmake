irplan_add_test(phantom_tests SOURCES phantom/PhantomFixture.cpp phantom/PhantomAnatomyTest.cpp
  phantom/PhantomImageTest.cpp phantom/PhantomFilesTest.cpp LIBS irplan_phantom LABELS phantom WHOLE)
