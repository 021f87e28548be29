"""One scan, stage by stage: plan (what to run), run (records to writers), coordinator (units
to an executor), unit (one unit read and examined), executors."""
