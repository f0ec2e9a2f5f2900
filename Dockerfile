# Derivative Explorer: one warm replica (see README, "Hosting"). compose.yaml runs several
# behind nginx; deploy/kubernetes/ runs them on a cluster. Build: docker build -t derivative-explorer .
#
# BASE is any image with Python >= 3.11 as `python3` and its venv module: the public
# default, or (tests/test_image.py, where no registry is reachable) a Debian root
# filesystem made by debootstrap with python3 and python3-venv. PIP_INSTALL_OPTIONS lets a
# build install from wheels made beforehand ("--no-index --find-links /wheels" with the
# folder mounted for the build) instead of from the network.
ARG BASE=python:3.11-slim

# The dependencies' list alone, from pyproject.toml: the install below is rebuilt only when
# that list changes, not at each change of pyproject.toml's other tables or of the app's code.
FROM ${BASE} AS requirements
COPY pyproject.toml /
RUN python3 -c "import tomllib; print(*tomllib.load(open('/pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /requirements.txt

FROM ${BASE}
ARG PIP_INSTALL_OPTIONS=""

# The packages live in a virtual environment: a distribution's own Python (Debian's)
# refuses `pip install` into its system site-packages, and the venv's python comes first
# on PATH whichever base built it.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    OPENBLAS_NUM_THREADS=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# uid 10001: Kubernetes' runAsNonRoot can check a numeric USER (deploy/kubernetes/).
RUN useradd --create-home --uid 10001 app
WORKDIR /app

# The dependencies first, in a layer of their own.
COPY --from=requirements /requirements.txt /tmp/requirements.txt
RUN python3 -m venv /opt/venv && pip install $PIP_INSTALL_OPTIONS -r /tmp/requirements.txt

# Everything .dockerignore lets through (app.py, its views, .streamlit/, the packages), so
# a new folder cannot be left out; then the project itself (its dependencies are above).
COPY . .
RUN pip install $PIP_INSTALL_OPTIONS --no-deps . && rm -rf build

USER 10001
EXPOSE 8501
# Healthy = warm: the launcher opens the port only after the warm-up (1-2 minutes here).
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
CMD ["python", "-m", "deploy.serve", "--port", "8501", "--address", "0.0.0.0"]
