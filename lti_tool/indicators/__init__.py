"""Indicators page for instructors and economy admins, and the video player script."""
