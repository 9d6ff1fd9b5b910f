"""The PASS/FAIL lines of the Python tests: one "PASS name" or "FAIL name: detail" line per
check, as the C unit tests print them, so tests/run-tests.sh counts them."""

failures = 0


def check(name, cond, detail=""):
    """Print the check's line; count it when it failed."""
    global failures
    print("%s %s%s" % ("PASS" if cond else "FAIL", name, "" if cond else ": " + str(detail)))
    if not cond:
        failures += 1


def exit_status():
    """1 when any check failed, else 0."""
    return 1 if failures else 0
