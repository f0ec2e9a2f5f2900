# Derivative Explorer: one warm replica (see README, "Hosting"). compose.yaml runs several
# behind nginx. Build: docker build -t derivative-explorer .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    OPENBLAS_NUM_THREADS=1

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# Everything .dockerignore lets through (app.py, its views, .streamlit/, the packages), so
# a new folder cannot be left out; `pip install .` installs the packages' dependencies.
COPY . .
RUN pip install . && rm -rf build

USER app
EXPOSE 8501
# Healthy = warm: the launcher opens the port only after the warm-up (a minute at most).
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
CMD ["python", "-m", "deploy.serve", "--port", "8501", "--address", "0.0.0.0"]
