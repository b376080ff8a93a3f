"""A student's nbgrader, as the hub starts it: the course and the exchange (set by hub/jupyterhub_config.py)."""
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = os.environ["NBGRADER_COURSE_ID"]
c.Exchange.root = os.environ["NBGRADER_EXCHANGE"]
