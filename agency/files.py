"""Uploads that follow their transaction: a rolled-back write leaves no file.

Django writes a FileField's bytes to storage when the model is saved, inside
the service's transaction; if that transaction then rolls back (a refusal
raised after the save, a constraint, a lost race), the row is gone but the
file would stay in storage, unreferenced. Services that store files wrap their
transaction like this:

    with files_kept_only_on_commit() as keep, transaction.atomic():
        work = CreativeWork.objects.create(...)
        f = CreativeFile(work=work); f.file.save(name, upload); keep(f.file)
        ...                                  # anything here may still raise

Order matters: this context manager is entered first, so it leaves last and
also sees an error raised while committing. Services own their transactions
(ATOMIC_REQUESTS is off), so the service's block is the outermost one.
"""

import logging
from contextlib import contextmanager

logger = logging.getLogger(__name__)


@contextmanager
def files_kept_only_on_commit():
    stored: list = []

    def keep(fieldfile):
        if fieldfile and fieldfile.name:
            stored.append((fieldfile.storage, fieldfile.name))
        return fieldfile

    try:
        yield keep
    except BaseException:
        _delete(stored)
        raise


def _delete(stored):
    for storage, name in stored:
        try:
            storage.delete(name)
        except Exception:  # a missing file is fine; never mask the real error
            logger.warning("could not delete rolled-back upload %s", name, exc_info=True)
