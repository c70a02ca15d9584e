"""gunicorn settings read from the working directory (gunicorn's default
./gunicorn.conf.py): the access log masks bearer secrets (feed tokens)."""

logger_class = "agency.logging.MaskingGunicornLogger"
