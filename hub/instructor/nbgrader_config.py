"""An instructor's nbgrader, as the hub starts it: the course's own configuration (COURSE_ROOT), whose paths
are absolute, so the Formgrader works on the course root."""
import os

c = get_config()  # noqa: F821
load_subconfig("nbgrader_config.py", path=os.environ["COURSE_ROOT"])  # noqa: F821
c.Exchange.root = os.environ["NBGRADER_EXCHANGE"]
