"""Deployment files (gunicorn, nginx, systemd, compose). A package so that ``digiready serve``
can pass ``--config python:deployment.gunicorn_conf`` when run from a checkout."""
