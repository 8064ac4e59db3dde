"""DigiReady Studio: the CMS where an economy's team edits, translates, previews, reviews and
publishes its overlay. A thin Flask adapter: accounts, roles, forms and pages here; the overlay
model, validation, versions and diffs in :mod:`digiready.authoring`."""
