"""Backups that restore: `create_backup` and `restore_backup`, for SQLite and PostgreSQL.

A backup is one tar file holding the database (SQLite's online backup API, or `pg_dump
--format=custom`), every file under the attachments root, the instance's key files (so it holds
secrets) and a manifest. A restore checks it all before touching anything, stages everything
beside the live copies, migrates the staged database, and swaps at the end. No Flask here: the
command line (webui/backup_commands.py) supplies the installation's paths, the migrations and
the progress bars.
"""
from .archive import ArchiveReader
from .create import BackupReport, create_backup
from .errors import BackupError
from .files import size_text
from .installation import KIND_NAMES, Installation
from .manifest import FileEntry, Manifest, MissingFile
from .progress import NO_PROGRESS, NoProgress, Progress
from .restore import RestoreReport, check_restorable, open_backup, restore_backup

__all__ = [
    "KIND_NAMES", "size_text", "ArchiveReader", "BackupError", "BackupReport", "FileEntry", "Installation",
    "Manifest", "MissingFile",
    "NO_PROGRESS", "NoProgress", "Progress", "RestoreReport", "check_restorable", "create_backup", "open_backup",
    "restore_backup",
]
