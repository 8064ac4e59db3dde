"""LTI Advantage services the tool calls: access tokens, AGS (scores), NRPS (rosters)."""
