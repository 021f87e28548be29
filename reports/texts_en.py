"""English texts of the HTML report (reports.texts picks the language). Plurals are (one, many)."""

from __future__ import annotations

TEXT = {
    "title": "Personal data report",
    "lede": "What kartlegg found, where, and what it did not look at. Values are masked; nothing here is a raw value.",
    "made_from": "Made from", "scan": ("Scan", "Scans"), "started": "Started", "finished": "Finished",
    "tool": "Tool", "inventory": "Inventory", "none_kept": "none kept", "status": "Status", "unknown": "unknown",
    "no_summary_status": "unknown (no summary record)", "exit_code": "exit code {code}: {meaning}",
    "version_unknown": "(version unknown)",
    "sources": "Sources", "source": "source", "type": "type", "uri": "URI (password masked)",
    # the executive summary
    "exec": "Summary", "exec_scanned": "What was scanned",
    "exec_scanned_text": "{sources}: {read} read, {skipped} skipped, {failed} failed.",
    "exec_where": "Where the personal data is", "exec_top": "The most urgent locations",
    "exec_not": "What was not scanned", "exec_not_text": "{n} not scanned. Most common reasons:",
    "exec_not_none": "Every location the scan met was read.", "exec_not_more": "All of them, and why: Coverage",
    "exec_none": "No personal data was found in what was read.",
    "exec_cat": "{locations} ({types})",
    "loc_with_pd": ("location with personal data", "locations with personal data"),
    "n_location": ("location", "locations"), "n_source": ("source", "sources"), "n_finding": ("finding", "findings"),
    "n_dataset": ("dataset", "datasets"),
    # why a location is urgent, in plain words
    "why_also": "also {types}", "why_log": "in a log", "why_free": "in free text ({hits} hits)",
    "why_few": "few of the sampled values", "why_most": "in most sampled values",
    "toc": "Contents",
    # coverage
    "coverage": "Coverage", "cov_scanned": ("location scanned", "locations scanned"),
    "cov_skipped": ("location skipped", "locations skipped"), "cov_failed": ("location failed", "locations failed"),
    "cov_unchanged": "datasets unchanged since their last read", "cov_sources_failed": "sources that failed",
    "not_looked": "Not looked at, and why — findings there are unknown, not absent:",
    "location": "location", "reason": "reason", "outcome": "outcome", "whole_source": "(whole source)",
    "all_read": "Every location the scan met was read.",
    # numbers
    "numbers": "Numbers by source and category", "findings_stat": "findings",
    "suppressed_stat": "suppressed (false positives)", "category": "category", "findings": "findings",
    "suppressed": "suppressed", "locations": "locations", "personal_locations": "locations with personal data",
    "categories": "categories", "skipped": "skipped", "errors": "errors", "by_source": "By source",
    "by_category": "By category (locations and sources: not counting suppressed findings)",
    "all_personal": "all (locations and sources: with personal data)", "not_personal": "not personal", "no_findings": "No findings.",
    # heat map
    "heatmap": "Heat map", "heat_none": "No findings to map.",
    "heat_lede": "Locations with findings, per source and category (suppressed findings not counted). "
                 "The number is in each cell; the shade repeats it.",
    "heat_caption": "Locations with findings", "shade": "shade:",
    # risk
    "risk": "Riskiest locations", "risk_more": "… and {more} more in the findings below.",
    "risk_none": "No personal data outside suppressed findings.", "how_ranked": "How the ranking works",
    "score": "score",
    "rule": "Score = (weight of the most sensitive entity type × its evidence + 1 for each other entity type at "
            "the location) × {log} in a log × {free} in free text with {many} or more hits. Weights: national ID "
            "{w_id}, financial {w_fin}, identity {w_ident}, contact and metering {w_contact}, online identifiers and "
            "other {w_other}. Evidence = confidence × (0.5 + 0.5 × hit ratio). Suppressed false positives and data "
            "that is not personal are left out.",
    # changes
    "changes": "Changes since the last scan",
    "changes_unknown": "This scan kept no inventory, so what changed since the last scan is not known.",
    "changes_none": "No changes since the previous scan.",
    "changes_none_failed": "No changes in what was read; {n} source(s) failed, so what changed there is not known.",
    "first_scan": "First scan: everything is new ({n} findings)",
    "first_sources": "No earlier scan of {sources} in the inventory: what was found is recorded as new.",
    "change": "change", "entity_type": "entity type", "detail": "detail", "compared": "compared with scan",
    "first_read": "first read", "detail_found": "{hits} at {confidence}",
    # findings
    "findings_h": "Findings", "filter": "Filter", "filter_ph": "location, entity type, …",
    "all_sources": "all sources", "all_categories": "all categories", "confidence": "confidence", "hits": "hits",
    "examples": "examples (masked)", "reasons": "reasons", "name_shape": "name and shape",
    "findings_caption": "{n} findings; suppressed false positives greyed, last", "log": "log",
    "shown_of": "{shown} of {total} findings shown", "show_all": "show all",
    "false_positive": "false positive", "by": "by {who}",
    "footer": "Generated {when} by kartlegg from {origin}. Examples are masked by the scanner; fingerprints are "
              "left out.",
    "about": "About this scan",
    # notes the model makes
    "note_unchanged": "{n} dataset(s) were unchanged since their last read (an incremental scan) and not read "
                      "again: what they hold is in the inventory (kartlegg report --inventory …), not in this report.",
    "note_counts": "The summary record counts other numbers of locations than the records hold: {counts} "
                   "(is the file cut or edited?)",
    "note_no_summary": "The report has no summary record: the scan did not finish, or the file is cut. What "
                       "follows is what the records hold.",
    "note_no_header": "The report has no scan header record.",
    "note_old": "{n} finding(s) come from a report older than schema 1.6, which does not say whether a finding is "
                "in a log or in free text: the riskiest locations weigh neither for them.",
    "note_inventory": "Findings: what the inventory holds now (present, from the scan that saw each last). "
                      "Coverage and changes: scan {scan}.",
    "the_inventory": "the inventory", "jsonl_report": "the JSONL report",
    "no_reason": "not kept by this inventory (older scan): see the scan's JSONL report",
}

CATEGORIES = {"identity": "identity", "contact": "contact", "financial": "financial", "metering": "metering",
              "online_identifier": "online identifier", "organisation": "organisation", "other": "other"}

ENTITIES = {
    "NO_FODSELSNUMMER": "national identity number (fødselsnummer)", "PERSON": "name",
    "NO_PHONE_NUMBER": "phone number", "EMAIL_ADDRESS": "e-mail address", "NO_ADDRESS": "postal address",
    "NO_BANK_ACCOUNT": "bank account number", "IBAN_CODE": "IBAN", "CREDIT_CARD": "payment card number",
    "NO_METER_ID": "metering point ID", "NO_METER_SERIAL": "meter serial number",
    "METER_READING": "electricity consumption readings", "IP_ADDRESS": "IP address",
    "NO_ORGANIZATION_NUMBER": "organisation number", "LOCATION": "place name", "ORGANIZATION": "organisation name",
}

CHANGES = {"new": "new", "gone": "gone", "category_added": "category added", "category_removed": "category removed",
           "confidence_changed": "confidence changed"}

KINDS = {"error": "could not be read", "skipped": "skipped", "field skipped": "field skipped"}

STATUS = {"completed": "completed", "incomplete": "incomplete", "failed": "failed", "running": "running",
          "interrupted": "interrupted", "abandoned": "abandoned",
          "suppressed": "suppressed", "reopened": "reopened", "confirmed": "confirmed"}

EXIT = {0: "completed", 1: "completed; --fail-on-findings matched", 2: "bad usage or configuration",
        3: "incomplete: some sources or locations could not be scanned",
        4: "a lock was not free within --lock-wait", 5: "the report or the inventory could not be written",
        6: "nothing could be read: every source failed as a whole",
        129: "stopped by SIGHUP", 130: "stopped by SIGINT", 143: "stopped by SIGTERM"}

INTERRUPTED = "interrupted by {signal}: what was found until then"

REASONS: dict[str, str] = {}  # the scanner's own words are English

EXTRA = {
    "links": "Shared identifiers",
    "links_none": "No identifier was seen in more than one dataset (each finding keeps a keyed sketch of its "
                  "identifiers; two datasets that share one hold the same person's data).",
    "links_lede": "{n} pair(s) of datasets hold the same identifiers ({across} across systems, {logs} with a log). "
                  "Copies, exports and identifiers written into logs are where personal data leaves the purpose it "
                  "was collected for. Shared counts identifiers seen in both (at least: each scan sampled); "
                  "containment estimates the share of the smaller dataset's identifiers found in the larger. Values "
                  "are compared only as keyed fingerprints.",
    "links_caption": "{n} linked pair(s), most telling first", "links_first": "; the first {n} shown",
    "links_from": "from", "links_to": "to", "links_ids": "identifiers", "links_shared": "shared",
    "links_containment": "containment", "links_meaning": "what it means",
    "links_legend": "— a red line has a log at one end, a dark one crosses systems",
    "kind_database": "database", "kind_object": "object store", "kind_file": "file share", "kind_log": "log",
    "retention": "Older than declared retention",
    "retention_none": "No dataset with personal data is older than its source's declared retention (a source that "
                      "declares none is not checked: see the Art. 30 view's gaps).",
    "retention_lede": "{n} dataset(s) hold personal data older than their source's declared retention: {over} over "
                      "it, {check} to check (the period runs from an event, such as the end of a customer "
                      "relationship, that the data's age does not show). Age: a table's oldest date (birth and "
                      "expiry dates left out), or the oldest file's modification time.",
    "ret_over": "over", "ret_check": "check", "status_l": "status", "ret_system": "system", "ret_dataset": "dataset",
    "ret_oldest": "oldest data", "ret_declared": "declared retention", "ret_days": "over by (days)",
}
TEXT.update(EXTRA)

MEANINGS: dict[str, str] = {}
