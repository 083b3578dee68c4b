"""Great Expectations 1.x suites for the landed raw tables, written as code."""
