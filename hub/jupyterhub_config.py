"""JupyterHub for the course on one server: `make hub` (as root) starts it.

Students and instructors log in with their accounts on the server (PAM) and each gets their own JupyterLab,
run as their own operating-system user: nbgrader's exchange decides who handed in what by that user. Students
get the Assignments tab (fetch, submit, fetch feedback); instructors (COURSE_INSTRUCTORS) get the Formgrader,
opened on the course root autograder/. Settings come from the environment (defaults in brackets):

  COURSE_HUB_URL        where the hub listens [http://127.0.0.1:8000]; put a TLS proxy in front for a class
  COURSE_EXCHANGE       nbgrader's exchange, writable by every student [/srv/nbgrader/exchange]
  COURSE_INSTRUCTORS    comma-separated user names that get the Formgrader [instructor]
  COURSE_ROOT           the nbgrader course root [this repository's autograder/]
  COURSE_HUB_STATE      the hub's database, cookie secret and proxy pid [hub/state/]
  COURSE_SINGLEUSER_PYTHON  the Python that runs each user's server [the hub's]
"""
import importlib.util
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets)

HUB = Path(__file__).resolve().parent
# the course id and root, as the grading package reads them from autograder/nbgrader_config.py
_spec = importlib.util.spec_from_file_location("course_paths", HUB.parent / "autograder" / "grading" / "paths.py")
_paths = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_paths)
AUTOGRADER, COURSE_ID = _paths.AUTOGRADER, _paths.COURSE_ID

URL = os.environ.get("COURSE_HUB_URL", "http://127.0.0.1:8000")
EXCHANGE = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
INSTRUCTORS = {u.strip() for u in os.environ.get("COURSE_INSTRUCTORS", "instructor").split(",") if u.strip()}
COURSE_ROOT = os.environ.get("COURSE_ROOT", str(AUTOGRADER))
STATE = Path(os.environ.get("COURSE_HUB_STATE", HUB / "state"))
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
PYTHON = os.environ.get("COURSE_SINGLEUSER_PYTHON", sys.executable)

c.JupyterHub.bind_url = URL
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's own API: only the proxy and the users' servers talk to it
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.command = [str(HUB / "node_modules" / ".bin" / "configurable-http-proxy")]

# Accounts on this server; each user's JupyterLab runs as that user.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allow_all = True  # every account of the server may log in; restrict with allowed_users
c.Authenticator.admin_users = set(INSTRUCTORS)
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.mem_limit = "2G"  # recorded for the user's server; enforced by a container spawner (see README)
c.Spawner.environment = {"NBGRADER_COURSE_ID": COURSE_ID, "NBGRADER_EXCHANGE": EXCHANGE,
                         "COURSE_ROOT": COURSE_ROOT,
                         # the course environment's data: JupyterLab's and nbgrader's assets, nbconvert's templates
                         "JUPYTER_PATH": os.path.join(sys.prefix, "share", "jupyter")}
if os.environ.get("COURSE_SINGLEUSER_PYTHONPATH"):  # the packages, when PYTHON is not the course's own
    c.Spawner.environment["PYTHONPATH"] = os.environ["COURSE_SINGLEUSER_PYTHONPATH"]


def _per_role(spawner):
    """Students: the student configuration (Assignments tab, no Formgrader). Instructors: the course root."""
    role = "instructor" if spawner.user.name in INSTRUCTORS else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = str(HUB / role)
    if role == "instructor":
        spawner.notebook_dir = COURSE_ROOT


c.Spawner.pre_spawn_hook = _per_role
