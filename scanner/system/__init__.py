"""Process-level services: logging, locks, signals, helper processes that die with the scan,
output errors."""
