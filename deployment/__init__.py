"""Deployment files (gunicorn, nginx, systemd, compose). A package so that the tests and the
benchmarks can start the same layout on loopback ports (``deployment.loopback``)."""
