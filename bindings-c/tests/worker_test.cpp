// The worker test, compiled as C++.
#include "worker_test.c"
