"""Platform registrations: added by an admin (CLI) or by LTI Dynamic Registration."""
