FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz (libharfbuzz-subset0 makes CJK subsetting fast);
# fonts-noto-cjk gives Chinese PDFs real glyphs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b \
      fonts-noto-cjk fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs a key to import settings; the real one comes at runtime.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
 && useradd --create-home agency && mkdir -p /data/private_media && chown -R agency /data
USER agency
EXPOSE 8000
CMD ["gunicorn", "agency.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
