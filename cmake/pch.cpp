// The target that builds cmake/pch.h (see the top CMakeLists.txt).
