"""deploy/kubernetes/: valid against Kubernetes' schema, and in agreement with the app.

Every manifest file and every kustomization, rendered (tests/kubernetes_render.py: the same
documents as `kubectl kustomize`), passes `kubernetes-validate` in strict mode (an unknown
field fails) for the oldest and newest Kubernetes versions named below. The agreement tests
tie the manifests to what they describe: the image's port and user (Dockerfile), the warm
launcher's port and health path (deploy.serve), the environment variables the app reads
(core.classroom, Streamlit), the Secrets the README tells one to create, compose.yaml, and
each other (selectors, ports, names).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from core.classroom.store import ENVIRONMENT_VARIABLE as CLASS_STORE
from deploy import serve
from tests.kubernetes_render import UnsupportedKustomization, load_documents, render

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = ROOT / "deploy" / "kubernetes"
KUSTOMIZATIONS = ("base", "overlays/demo", "overlays/managed-db")
SCHEMA_VERSIONS = ("1.30.0", "1.37.0")  # the oldest Kubernetes these are written for; newest
HEALTH_PATH = "/_stcore/health"
COOKIE_SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"
MANIFEST_FILES = sorted(
    path for path in KUBERNETES.rglob("*.yaml") if path.name != "kustomization.yaml"
)


def _id(path: Path) -> str:
    return str(path.relative_to(KUBERNETES))


def _one(documents: list[dict], kind: str, name: str | None = None) -> dict:
    found = [
        doc
        for doc in documents
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"{len(found)} {kind} {name or ''}"
    return found[0]


def _app(documents: list[dict]) -> tuple[dict, dict, dict]:
    """The app's Deployment, its pod spec and its one container."""
    deployment = _one(documents, "Deployment", "derivative-explorer")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return deployment, pod, container


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    return {folder: render(KUBERNETES / folder) for folder in KUSTOMIZATIONS}


def _validate(document: dict, version: str) -> None:
    try:
        kubernetes_validate.validate(document, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = "/".join(str(part) for part in error.path)
        name = f"{document.get('kind')} {document.get('metadata', {}).get('name')}"
        pytest.fail(f"{name}: {where}: {error.message} (Kubernetes {version})")


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
@pytest.mark.parametrize("path", MANIFEST_FILES, ids=_id)
def test_every_manifest_file_is_valid_in_strict_mode(path, version):
    documents = load_documents(path)
    assert documents, path
    for document in documents:
        _validate(document, version)


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
@pytest.mark.parametrize("folder", KUSTOMIZATIONS)
def test_every_kustomization_renders_valid_manifests(rendered, folder, version):
    for document in rendered[folder]:
        _validate(document, version)
    names = [(doc["kind"], doc["metadata"]["name"]) for doc in rendered[folder]]
    assert len(names) == len(set(names)), "a resource twice"


def test_every_manifest_file_is_in_a_kustomization():
    used: set[Path] = set()
    for folder in KUSTOMIZATIONS:
        listed = yaml.safe_load((KUBERNETES / folder / "kustomization.yaml").read_text())
        for resource in listed["resources"]:
            path = (KUBERNETES / folder / resource).resolve()
            assert path.exists(), f"{folder}: {resource}"
            if path.is_file():
                used.add(path)
    assert used == {path.resolve() for path in MANIFEST_FILES}


def test_the_renderer_rejects_what_it_does_not_reproduce(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("kind: Kustomization\nnamePrefix: x-\n")
    with pytest.raises(UnsupportedKustomization, match="namePrefix"):
        render(tmp_path)
    strategic = {
        "kind": "Kustomization",
        "resources": [str(KUBERNETES / "base")],
        "patches": [
            {
                "target": {"kind": "Deployment", "name": "derivative-explorer"},
                "patch": "spec:\n  replicas: 3\n",
            }
        ],
    }
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump(strategic))
    with pytest.raises(UnsupportedKustomization, match="JSON 6902"):
        render(tmp_path)


def test_the_overlays_patch_and_name_the_image(rendered):
    _, _, base = _app(rendered["base"])
    _, _, managed = _app(rendered["overlays/managed-db"])
    added = [env for env in managed["env"] if env not in base["env"]]
    assert added == [{"name": "PGSSLMODE", "value": "require"}]
    for folder in ("overlays/demo", "overlays/managed-db"):
        listed = yaml.safe_load((KUBERNETES / folder / "kustomization.yaml").read_text())
        (image,) = listed["images"]
        _, _, container = _app(rendered[folder])
        assert container["image"] == f"{image['newName']}:{image['newTag']}"


# --- the image and the launcher -------------------------------------------------------------


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_port_agrees_with_the_image_and_the_launcher(rendered):
    _, _, container = _app(rendered["base"])
    (port,) = container["ports"]
    dockerfile = _dockerfile()
    assert f"EXPOSE {port['containerPort']}" in dockerfile
    assert f'"--port", "{port["containerPort"]}"' in dockerfile
    assert f"127.0.0.1:{port['containerPort']}{HEALTH_PATH}" in dockerfile  # HEALTHCHECK
    assert serve._parser().get_default("port") == port["containerPort"]


def test_probes_ask_the_warm_launchers_health_path(rendered):
    _, _, container = _app(rendered["base"])
    port_names = {port["name"] for port in container["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == HEALTH_PATH, probe
        assert check["port"] in port_names, probe
    assert HEALTH_PATH in _dockerfile()
    # The warm-up may take as long as the Dockerfile's start period, and more on a busy node.
    start_period = int(re.search(r"--start-period=(\d+)s", _dockerfile()).group(1))
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= start_period


def test_the_pod_runs_as_the_images_user_without_privileges(rendered):
    _, pod, container = _app(rendered["base"])
    dockerfile = _dockerfile()
    uid = int(re.search(r"useradd .*--uid (\d+)", dockerfile).group(1))
    assert re.search(rf"^USER {uid}$", dockerfile, re.MULTILINE)
    security = pod["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == uid
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    # The read-only root needs a writable /tmp (the worker pools' files; tests/test_image.py
    # runs the image so).
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert pod["automountServiceAccountToken"] is False


def test_termination_leaves_time_to_stop(rendered):
    _, pod, container = _app(rendered["base"])
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    # tests/test_image.py checks that the server exits within the time left.
    assert pod["terminationGracePeriodSeconds"] >= pause + 15


# --- the environment --------------------------------------------------------------------


def _env_names(container: dict) -> set[str]:
    return {variable["name"] for variable in container["env"]}


def test_environment_names_are_the_ones_the_app_reads(rendered):
    _, _, container = _app(rendered["base"])
    assert _env_names(container) == {CLASS_STORE, COOKIE_SECRET}
    for variable in container["env"]:
        assert "secretKeyRef" in variable["valueFrom"], variable["name"]
    # Streamlit reads server.cookieSecret from this variable.
    read = subprocess.run(
        [sys.executable, "-c",
         "from streamlit import config; print(config.get_option('server.cookieSecret'))"],
        env={"PATH": "/usr/bin:/bin", COOKIE_SECRET: "from-the-secret"},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert read.stdout.strip() == "from-the-secret"


def _compose_app_environment() -> set[str]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return {entry.split("=", 1)[0] for entry in compose["x-app"]["environment"]}


def test_environment_agrees_with_compose(rendered):
    _, _, container = _app(rendered["base"])
    assert _env_names(container) == _compose_app_environment()


def test_postgres_agrees_with_compose(rendered):
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    compose_image = compose["services"]["classes-db"]["image"]
    database = _one(rendered["overlays/demo"], "StatefulSet", "classes-db")
    (container,) = database["spec"]["template"]["spec"]["containers"]
    assert container["image"].split(":")[0] == compose_image.split(":")[0] == "postgres"
    major = container["image"].split(":")[1].split(".")[0]
    assert major == compose_image.split(":")[1].split(".")[0]
    # Both name the store by the same host and port.
    compose_url = next(
        entry.split("=", 1)[1]
        for entry in compose["x-app"]["environment"]
        if entry.startswith(f"{CLASS_STORE}=")
    )
    url = _secret_data(rendered["overlays/demo"], "derivative-explorer-class-store")["url"]
    assert urlsplit(url).hostname == urlsplit(compose_url).hostname
    assert urlsplit(url).port == urlsplit(compose_url).port


# --- Secrets -----------------------------------------------------------------------------------


def _secret_refs(documents: list[dict]) -> set[tuple[str, str]]:
    refs = set()
    for doc in documents:
        spec = doc.get("spec", {}).get("template", {}).get("spec", {})
        for container in spec.get("containers", []):
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert not ref.get("optional"), f"{variable['name']} must be set"
                    refs.add((ref["name"], ref["key"]))
    return refs


def _secret_data(documents: list[dict], name: str) -> dict[str, str]:
    secret = _one(documents, "Secret", name)
    assert not secret.get("data"), "stringData only (readable, checked here)"
    return secret["stringData"]


def _readme_secrets() -> set[tuple[str, str]]:
    """(name, key) of every `kubectl create secret generic NAME --from-literal=KEY=…` in the
    README's Kubernetes section."""
    text = (ROOT / "README.md").read_text().split("## Hosting on Kubernetes", 1)[1]
    created = set()
    for name, options in re.findall(
        r"kubectl create secret generic ([\w-]+)((?:\s*\\?\n?\s*--from-literal=[\w-]+=\S+)+)", text
    ):
        created |= {(name, key) for key in re.findall(r"--from-literal=([\w-]+)=", options)}
    return created


def test_every_secret_the_pods_read_is_made(rendered):
    made_by_readme = _readme_secrets()
    for folder, documents in rendered.items():
        in_manifests = {
            (doc["metadata"]["name"], key)
            for doc in documents
            if doc["kind"] == "Secret"
            for key in doc["stringData"]
        }
        missing = _secret_refs(documents) - in_manifests - made_by_readme
        assert not missing, f"{folder}: no manifest or README command makes {missing}"
    # The cookie secret is never committed: the README's command makes a random one.
    assert ("derivative-explorer-cookie", "secret") in made_by_readme
    assert not any(doc["kind"] == "Secret" for doc in rendered["overlays/managed-db"])


def test_the_demo_store_url_names_the_in_cluster_database(rendered):
    documents = rendered["overlays/demo"]
    data = _secret_data(documents, "derivative-explorer-class-store")
    url = urlsplit(data["url"])
    assert url.scheme == "postgresql"
    assert (url.username, url.password, url.path) == (
        data["username"],
        data["password"],
        f"/{data['database']}",
    )
    service = _one(documents, "Service", url.hostname)
    assert [port["port"] for port in service["spec"]["ports"]] == [url.port]
    database = _one(documents, "StatefulSet", "classes-db")
    (container,) = database["spec"]["template"]["spec"]["containers"]
    assert [port["containerPort"] for port in container["ports"]] == [url.port]


# --- the resources agree with each other --------------------------------------------------------


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def test_service_selects_the_app_pods_on_their_port(rendered):
    documents = rendered["base"]
    deployment, _, container = _app(documents)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert _selects(deployment["spec"]["selector"]["matchLabels"], labels)
    service = _one(documents, "Service", "derivative-explorer")
    assert _selects(service["spec"]["selector"], labels)
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] in {p["name"] for p in container["ports"]}


def test_ingress_routes_to_the_service_with_cookie_affinity(rendered):
    documents = rendered["base"]
    service = _one(documents, "Service", "derivative-explorer")
    ingress = _one(documents, "Ingress", "derivative-explorer")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    backend = path["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}
    annotations = {
        key.removeprefix("nginx.ingress.kubernetes.io/"): value
        for key, value in ingress["metadata"]["annotations"].items()
    }
    assert annotations["affinity"] == "cookie"
    assert annotations["affinity-mode"] == "persistent"
    # The same cookie as the compose/local nginx (deploy/nginx.conf).
    nginx_conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"{annotations['session-cookie-name']}=$request_id" in nginx_conf
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(annotations[timeout]) >= 3600, "an idle student keeps the websocket"


def test_autoscaler_and_disruption_budget_fit_the_deployment(rendered):
    documents = rendered["base"]
    deployment, _, container = _app(documents)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    hpa = _one(documents, "HorizontalPodAutoscaler", "derivative-explorer")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"] >= 2
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    assert "cpu" in container["resources"]["requests"], "utilization is relative to the request"
    pdb = _one(documents, "PodDisruptionBudget", "derivative-explorer")
    assert _selects(pdb["spec"]["selector"]["matchLabels"], labels)
    assert pdb["spec"]["maxUnavailable"] < hpa["spec"]["minReplicas"]


def test_the_demo_database_is_a_statefulset_with_its_own_volume(rendered):
    documents = rendered["overlays/demo"]
    database = _one(documents, "StatefulSet", "classes-db")
    spec = database["spec"]
    service = _one(documents, "Service", spec["serviceName"])
    assert service["spec"]["clusterIP"] == "None"
    labels = spec["template"]["metadata"]["labels"]
    assert _selects(spec["selector"]["matchLabels"], labels)
    assert _selects(service["spec"]["selector"], labels)
    (claim,) = spec["volumeClaimTemplates"]
    (container,) = spec["template"]["spec"]["containers"]
    (mount,) = container["volumeMounts"]
    assert mount["name"] == claim["metadata"]["name"]
    pgdata = next(env["value"] for env in container["env"] if env["name"] == "PGDATA")
    assert pgdata.startswith(mount["mountPath"] + "/")
    # Only the app's pods reach it.
    policy = _one(documents, "NetworkPolicy", "classes-db")
    assert _selects(policy["spec"]["podSelector"]["matchLabels"], labels)
    deployment, _, app = _app(documents)
    app_labels = deployment["spec"]["template"]["metadata"]["labels"]
    (allowed,) = policy["spec"]["ingress"]
    (source,) = allowed["from"]
    assert _selects(source["podSelector"]["matchLabels"], app_labels)
    assert [port["port"] for port in allowed["ports"]] == [
        port["containerPort"] for port in container["ports"]
    ]
    # The app reads the store's URL from the Secret the database takes its password from.
    (store,) = [env for env in app["env"] if env["name"] == CLASS_STORE]
    (password,) = [env for env in container["env"] if env["name"] == "POSTGRES_PASSWORD"]
    assert (
        store["valueFrom"]["secretKeyRef"]["name"] == password["valueFrom"]["secretKeyRef"]["name"]
    )
