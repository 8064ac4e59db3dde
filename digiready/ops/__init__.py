"""Operations: health endpoints, request ids, structured logs, configuration checks, backups and
data migration. Framework-free: the web apps install :func:`digiready.ops.wsgi.install` around
their WSGI callable; the commands live in :mod:`digiready.ops.cli`."""
from digiready.ops import settings  # noqa: F401  (declares DIGIREADY_PROXY_HOPS and friends)
