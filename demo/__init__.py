"""The demo estate and test data generators: a fictional Norwegian utility's systems (never shipped
in the wheel)."""
