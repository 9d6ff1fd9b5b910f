/* The failure counter and report lines every self-checking guest shares (check.h). */
#include <stdarg.h>
#include "check.h"
#include "fmt.h"

static unsigned failures;

void check_fail(const char *tag, const char *fmt, ...)
{
	va_list ap;

	failures++;
	gprintf("%sCHECK FAILED: ", tag);
	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
	gprintf("\n");
}

unsigned check_failures(void)
{
	return failures;
}

int check_summary(const char *tag)
{
	if (failures == 0)
		gprintf("%sall checks passed\n", tag);
	else
		gprintf("%s%u checks failed\n", tag, failures);
	return failures ? 1 : 0;
}
