/* Shared state of the test helpers (fg_test.h). */
#include "fg_test.h"

int fg_test_failures;
int fg_test_checks;
