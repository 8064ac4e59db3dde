"""Gettext catalogues of the portal (``<lang>/LC_MESSAGES/messages.po`` and compiled ``.mo``)."""
