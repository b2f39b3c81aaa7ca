"""The shell around the core methods: commands that read and write files.

The core (``coproduce.<method>``) does no I/O; the modules here read the user's tables, call
the core, and write what it returns. Each is imported lazily by :mod:`coproduce.cli`, so a
command pays only for the libraries it uses. Nothing here imports Django.
"""
