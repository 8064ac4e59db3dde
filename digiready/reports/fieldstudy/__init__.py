"""Field study: the diagnostic as an XLSForm for KoboToolbox/ODK tablets (often offline),
and the import of the collected answers into ``core_attempt``.

The form's field names are the pack's profile and question ids, so the import maps columns
back without a separate mapping file (group prefixes such as ``connectivity/`` and Kobo's
one-column-per-option exports are understood too). See docs/reports.md.
"""
from digiready.reports.fieldstudy.importer import ImportResult, RowError, import_file, read_rows
from digiready.reports.fieldstudy.xlsform import build_xlsform, write_xlsform

__all__ = ["ImportResult", "RowError", "build_xlsform", "import_file", "read_rows",
           "write_xlsform"]
