"""The annual Party statistics (党内统计, glossary: insights.statistics): the standard
yearly tables of a subtree as of 31 December, their cross-checks, the year before for
comparison, and the Excel export laid out like the paper tables."""
