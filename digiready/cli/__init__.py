"""The ``digiready`` command. Each area adds its subcommands in its own ``cli`` module."""
