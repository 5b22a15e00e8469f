// The C API test, compiled as C++: the header must work there too.
#include "api_test.c"
